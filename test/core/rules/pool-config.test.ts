import rule from '../../../src/core/rules/pool-config';
import { runRuleTests, type RuleCases } from '../ruleTester';

const NO_TIMEOUT = /^This pool sets no connectionTimeoutMillis: when every connection is busy/;
const NO_NAME = /^This pool sets no application_name: its sessions show unnamed in pg_stat_activity/;
const ZERO_TIMEOUT = /^connectionTimeoutMillis: 0 means no timeout/;

const valid: RuleCases['valid'] = [
  {
    name: 'every option a careful user sets',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  host: process.env.BLOG_DB_HOST,
  database: process.env.BLOG_DB_NAME,
  max: 10,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
  application_name: 'blog-api',
});
`,
  },
  {
    name: 'timeout read from the environment with a sensible fallback, name from the environment',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  connectionTimeoutMillis: Number(process.env.PG_CONNECT_TIMEOUT_MS ?? '5000'),
  idleTimeoutMillis: parseInt(process.env.PG_IDLE_TIMEOUT_MS || '30000', 10),
  application_name: process.env.APP_NAME,
});
`,
  },
  {
    name: 'options passed in from elsewhere are unknown, not flagged',
    code: `import { Pool, type PoolConfig } from 'pg';

export function createPool(config: PoolConfig) {
  return new Pool(config);
}
`,
  },
  {
    name: 'a spread of a parameter may set anything',
    code: `import { Pool, type PoolConfig } from 'pg';

export function createPool(overrides: PoolConfig) {
  return new Pool({ ...overrides, max: 5 });
}
`,
  },
  {
    name: 'shared base options spread into the pool',
    code: `import { Pool } from 'pg';

const base = {
  connectionTimeoutMillis: 3000,
  idleTimeoutMillis: 20000,
};

export const reports = new Pool({ ...base, application_name: 'reports', max: 4 });
`,
  },
  {
    name: 'values bound to constants',
    code: `import { Pool } from 'pg';

const CONNECT_TIMEOUT_MS = 2 * 1000;
const APP = 'billing';

export const billing = new Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: APP });
`,
  },
  {
    name: 'idleTimeoutMillis: 0 keeps idle connections, a deliberate choice',
    code: `import { Pool } from 'pg';

export const pool = new Pool({ idleTimeoutMillis: 0, connectionTimeoutMillis: 5000, application_name: 'worker' });
`,
  },
  {
    name: 'idleTimeoutMillis of exactly one second',
    code: `import { Pool } from 'pg';

export const pool = new Pool({ idleTimeoutMillis: 1000, connectionTimeoutMillis: 5000, application_name: 'worker' });
`,
  },
  {
    name: 'max equal to the budget',
    options: { 'pool-config': { connectionBudget: 20 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({ max: 20, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
  },
  {
    name: 'a large max with no budget configured',
    code: `import { Pool } from 'pg';

export const pool = new Pool({ max: 200, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
  },
  {
    name: 'max read from the environment without a fallback is unknown',
    options: { 'pool-config': { connectionBudget: 5 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({ max: Number(process.env.DB_POOL_MAX), connectionTimeoutMillis: 5000, application_name: 'api' });
`,
  },
  {
    name: 'max falling back to a value within the budget',
    options: { 'pool-config': { connectionBudget: 20 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({ max: Number(process.env.DB_POOL_MAX ?? '10'), connectionTimeoutMillis: 5000, application_name: 'api' });
`,
  },
  {
    name: 'application_name given in a literal connection string',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  connectionString: 'postgres://app@db.internal:5432/shop?application_name=shop-api',
  connectionTimeoutMillis: 5000,
});
`,
  },
  {
    name: 'require, pg.Pool and double quotes (JavaScript)',
    fileName: 'db.js',
    code: `const pg = require("pg");

const pool = new pg.Pool({
  max: 8,
  connectionTimeoutMillis: 4000,
  application_name: "cache-warmer",
});

module.exports = pool;
`,
  },
  {
    name: 'a Pool from another library',
    code: `import { Pool } from 'generic-pool';

export const pool = new Pool({ max: 1 });
`,
  },
  {
    name: 'Number(env) ?? 0 never falls back (Number(undefined) is NaN), so the timeout is unknown',
    code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionTimeoutMillis: Number(process.env.PG_CONNECT_TIMEOUT_MS) ?? 0, application_name: 'api' });
`,
  },
  {
    name: 'a config object declared in the file and passed by name',
    code: `import { Pool, type PoolConfig } from 'pg';

const config: PoolConfig = {
  host: process.env.PGHOST,
  connectionTimeoutMillis: 5000,
  application_name: 'search-indexer',
};

export const pool = new Pool(config);
`,
  },
];

const invalid: RuleCases['invalid'] = [
  {
    name: 'new Pool() with no options: no timeout, no name (named after its folder)',
    fileName: 'src/blog/db.ts',
    code: `import { Pool } from 'pg';

export const pool = new Pool();
`,
    errors: [
      {
        line: 3,
        column: 21,
        message: NO_TIMEOUT,
        fixes: [
          {
            title: 'Add connectionTimeoutMillis: 5000',
            output: `import { Pool } from 'pg';

export const pool = new Pool({ connectionTimeoutMillis: 5000 });
`,
          },
        ],
      },
      {
        line: 3,
        column: 21,
        message: "This pool sets no application_name: its sessions show unnamed in pg_stat_activity, and the live view cannot tell them from other apps'. Set one, e.g. application_name: 'blog'.",
        fixes: [
          {
            title: "Add application_name: 'blog'",
            output: `import { Pool } from 'pg';

export const pool = new Pool({ application_name: 'blog' });
`,
          },
        ],
      },
    ],
  },
  {
    name: 'multi-line options with trailing commas and no timeout',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  host: process.env.SHOP_DB_HOST,
  max: 10,
  application_name: 'shop-api',
});
`,
    errors: [
      {
        line: 3,
        column: 21,
        endLine: 7,
        endColumn: 3,
        message: NO_TIMEOUT,
        fixes: [
          {
            title: 'Add connectionTimeoutMillis: 5000',
            output: `import { Pool } from 'pg';

export const pool = new Pool({
  host: process.env.SHOP_DB_HOST,
  max: 10,
  application_name: 'shop-api',
  connectionTimeoutMillis: 5000,
});
`,
          },
        ],
      },
    ],
  },
  {
    name: 'multi-line options without trailing comma and no name (named after the variable)',
    code: `import { Pool } from 'pg';

export const marketPool = new Pool({
  host: process.env.MARKET_DB_HOST,
  connectionTimeoutMillis: 5000
});
`,
    errors: [
      {
        line: 3,
        column: 27,
        message: NO_NAME,
        fixes: [
          {
            title: "Add application_name: 'market'",
            output: `import { Pool } from 'pg';

export const marketPool = new Pool({
  host: process.env.MARKET_DB_HOST,
  connectionTimeoutMillis: 5000,
  application_name: 'market'
});
`,
          },
        ],
      },
    ],
  },
  {
    name: 'single-line options without a timeout',
    code: `import { Pool } from 'pg';

export const jobs = new Pool({ max: 5, application_name: 'jobs' });
`,
    errors: [
      {
        line: 3,
        column: 21,
        message: NO_TIMEOUT,
        fixes: [
          {
            title: 'Add connectionTimeoutMillis: 5000',
            output: `import { Pool } from 'pg';

export const jobs = new Pool({ max: 5, application_name: 'jobs', connectionTimeoutMillis: 5000 });
`,
          },
        ],
      },
    ],
  },
  {
    name: 'connectionTimeoutMillis: 0 waits forever',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  connectionTimeoutMillis: 0,
  application_name: 'api',
});
`,
    errors: [
      {
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 29,
        message: ZERO_TIMEOUT,
        fixes: [
          {
            title: 'Set connectionTimeoutMillis to 5000',
            output: `import { Pool } from 'pg';

export const pool = new Pool({
  connectionTimeoutMillis: 5000,
  application_name: 'api',
});
`,
          },
        ],
      },
    ],
  },
  {
    name: 'a timeout from the environment that falls back to 0',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  connectionTimeoutMillis: Number(process.env.PG_CONNECT_TIMEOUT_MS ?? '0'),
  application_name: 'api',
});
`,
    errors: [
      {
        line: 4,
        column: 3,
        message:
          'connectionTimeoutMillis falls back to 0 (no timeout) when PG_CONNECT_TIMEOUT_MS is unset: connect() and query() may wait forever. Give it a fallback such as 5000.',
      },
    ],
  },
  {
    name: 'idle connections closed after half a second',
    code: `import { Pool } from 'pg';

export const pool = new Pool({ idleTimeoutMillis: 500, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
    errors: [
      {
        line: 3,
        column: 32,
        message:
          "idleTimeoutMillis: 500 closes idle connections after less than a second, so the pool reconnects on almost every burst of requests. Use 1000 or more (pg's default is 10000), or 0 to keep idle connections.",
        fixes: [
          {
            title: 'Set idleTimeoutMillis to 10000',
            output: `import { Pool } from 'pg';

export const pool = new Pool({ idleTimeoutMillis: 10000, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
          },
        ],
      },
    ],
  },
  {
    name: 'an idle timeout that falls back to 100 ms (parseInt with ||)',
    code: `import { Pool } from 'pg';

const IDLE_TIMEOUT_MS = parseInt(process.env.DB_IDLE_TIMEOUT_MS || '100', 10);

export const pool = new Pool({ idleTimeoutMillis: IDLE_TIMEOUT_MS, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
    errors: [
      {
        line: 5,
        column: 32,
        message: /^idleTimeoutMillis falls back to 100 when DB_IDLE_TIMEOUT_MS is unset/,
      },
    ],
  },
  {
    name: 'max above the budget',
    options: { 'pool-config': { connectionBudget: 20 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  max: 50,
  connectionTimeoutMillis: 5000,
  application_name: 'api',
});
`,
    errors: [
      {
        line: 4,
        column: 3,
        message: 'max: 50 is above the connection budget of 20: under load this pool alone opens more connections than one instance may use.',
        fixes: [
          {
            title: 'Set max to the budget (20)',
            output: `import { Pool } from 'pg';

export const pool = new Pool({
  max: 20,
  connectionTimeoutMillis: 5000,
  application_name: 'api',
});
`,
          },
        ],
      },
    ],
  },
  {
    name: "no max, and pg's default of 10 is above a budget of 5",
    options: { 'pool-config': { connectionBudget: 5 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'api' });
`,
    errors: [
      {
        line: 3,
        column: 21,
        message: "This pool sets no max, so pg's default of 10 applies, above the connection budget of 5.",
        fixes: [
          {
            title: 'Add max: 5',
            output: `import { Pool } from 'pg';

export const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'api', max: 5 });
`,
          },
        ],
      },
    ],
  },
  {
    name: 'max from the environment falling back above the budget',
    options: { 'pool-config': { connectionBudget: 20 } },
    code: `import { Pool } from 'pg';

export const pool = new Pool({
  max: Number(process.env.DB_POOL_MAX ?? '40'),
  connectionTimeoutMillis: 5000,
  application_name: 'api',
});
`,
    errors: [{ line: 4, column: 3, message: 'max falls back to 40 when DB_POOL_MAX is unset, above the connection budget of 20.' }],
  },
  {
    name: 'max behind a constant: flagged at the property, no fix (the constant may be shared)',
    options: { 'pool-config': { connectionBudget: 25 } },
    code: `import { Pool } from 'pg';

const MAX_CONNECTIONS = 30;

export const pool = new Pool({ max: MAX_CONNECTIONS, connectionTimeoutMillis: 5000, application_name: 'api' });
`,
    errors: [{ line: 5, column: 32, message: /^max: 30 is above the connection budget of 25/ }],
  },
  {
    name: 'a config object passed by name: flagged at new Pool, no fix',
    code: `import { Pool, type PoolConfig } from 'pg';

const config: PoolConfig = {
  host: process.env.PGHOST,
  application_name: 'search-indexer',
};

export const pool = new Pool(config);
`,
    errors: [{ line: 8, column: 21, message: NO_TIMEOUT }],
  },
  {
    name: 'a zero timeout from a spread base object: flagged where it is set, no fix',
    code: `import { Pool } from 'pg';

const base = { connectionTimeoutMillis: 0 };

export const reports = new Pool({ ...base, application_name: 'reports' });
`,
    errors: [{ line: 3, column: 16, message: ZERO_TIMEOUT }],
  },
  {
    name: 'a pool stored on this in a class, double quotes (JavaScript)',
    fileName: 'lib/store.js',
    code: `const pg = require("pg");

class Store {
  constructor() {
    this.reportsPool = new pg.Pool({
      connectionTimeoutMillis: 5000,
    });
  }
}

module.exports = { Store };
`,
    errors: [
      {
        line: 5,
        column: 24,
        message: NO_NAME,
        fixes: [
          {
            title: 'Add application_name: "reports"',
            output: `const pg = require("pg");

class Store {
  constructor() {
    this.reportsPool = new pg.Pool({
      connectionTimeoutMillis: 5000,
      application_name: "reports",
    });
  }
}

module.exports = { Store };
`,
          },
        ],
      },
    ],
  },
  {
    name: 'tab-indented options',
    fileName: 'src/analytics.ts',
    code: `import { Pool } from 'pg';

export const pool = new Pool({
\tmax: 4,
\tidleTimeoutMillis: 60000,
});
`,
    errors: [
      {
        line: 3,
        column: 21,
        message: NO_TIMEOUT,
        fixes: [
          {
            title: 'Add connectionTimeoutMillis: 5000',
            output: `import { Pool } from 'pg';

export const pool = new Pool({
\tmax: 4,
\tidleTimeoutMillis: 60000,
\tconnectionTimeoutMillis: 5000,
});
`,
          },
        ],
      },
      {
        line: 3,
        column: 21,
        message: NO_NAME,
        fixes: [
          {
            title: "Add application_name: 'analytics'",
            output: `import { Pool } from 'pg';

export const pool = new Pool({
\tmax: 4,
\tidleTimeoutMillis: 60000,
\tapplication_name: 'analytics',
});
`,
          },
        ],
      },
    ],
  },
  {
    name: 'CRLF line endings',
    code: "import { Pool } from 'pg';\r\n\r\nexport const pool = new Pool({\r\n  application_name: 'api'\r\n});\r\n",
    errors: [
      {
        line: 3,
        column: 21,
        message: NO_TIMEOUT,
        fixes: [
          {
            title: 'Add connectionTimeoutMillis: 5000',
            output: "import { Pool } from 'pg';\r\n\r\nexport const pool = new Pool({\r\n  application_name: 'api',\r\n  connectionTimeoutMillis: 5000\r\n});\r\n",
          },
        ],
      },
    ],
  },
];

runRuleTests(rule, { valid, invalid });
