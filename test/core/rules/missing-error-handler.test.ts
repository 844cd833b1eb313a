import type { ProjectFacts } from '../../../src/core/project';
import rule from '../../../src/core/rules/missing-error-handler';
import { runRuleTests } from '../ruleTester';

const FIX = "Add a pool.on('error') listener that logs the error";
const noListener = (name: string) =>
  `This pool has no 'error' listener: when an idle client loses its connection (server restart, failover, network drop), the pool emits 'error' and Node.js ends the process. Add ${name}.on('error', …) where the pool is created.`;
const noListenerInProject = (exports: string, name: string) =>
  `This pool is exported as ${exports}, but no module of the project adds an 'error' listener to it: when an idle client loses its connection, the pool emits 'error' and Node.js ends the process. Add ${name}.on('error', …) where the pool is created.`;

/** Facts for a project whose `src/db` module exports pools; `listened` says which of them other modules listen to. */
const project = (exports: string[], listened: Array<[string, string[]]> = [], more: Partial<ProjectFacts> = {}): ProjectFacts => ({
  poolExports: new Map([['src/db', new Set(exports)]]),
  scriptFiles: new Set(),
  complete: true,
  poolErrorListeners: new Map([['src/db', new Map(listened)]]),
  unresolvedErrorListeners: false,
  ...more,
});

runRuleTests(rule, {
  valid: [
    {
      name: 'listener right after the pool',
      code: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

pool.on('error', (err) => {
  console.error('idle client error', err);
});

export async function findUser(id: string) {
  const { rows } = await pool.query('select * from users where id = $1', [id]);
  return rows[0];
}
`,
    },
    {
      name: 'once listener that exits the process',
      fileName: 'src/worker.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();
pool.once('error', (err) => {
  console.error(err);
  process.exit(1);
});

setInterval(() => pool.query('delete from sessions where expires_at < now()'), 60_000);
`,
    },
    {
      name: 'addListener with a named handler',
      code: `import pg from 'pg';
import { logger } from './logger';

function onPoolError(err: Error) {
  logger.error({ err }, 'postgres pool error');
}

const pool = new pg.Pool({ max: 10 });
pool.addListener('error', onPoolError);

export const query = (text: string, values?: unknown[]) => pool.query(text, values);
`,
    },
    {
      name: 'prependListener in a CommonJS module',
      fileName: 'lib/db.cjs',
      code: `"use strict";
const pg = require("pg");

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.prependListener("error", (err) => console.error("pg pool", err));

module.exports = pool;
`,
    },
    {
      name: 'listener chained on the new pool',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL }).on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});
`,
      project: project(['pool']),
    },
    {
      name: 'exported pool and no project facts: another module may listen',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
`,
    },
    {
      name: 'exported pool that the server module listens to',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
`,
      project: project(['pool'], [['pool', ['src/server']]]),
    },
    {
      name: 'exported pool in an incompletely indexed project',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

export default pool;
`,
      project: project(['default'], [], { complete: false }),
    },
    {
      name: 'exported pool while a module listens through a path alias',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool();
`,
      project: project(['pool'], [], { unresolvedErrorListeners: true }),
    },
    {
      name: 'pool handed to a helper that may add the listener',
      code: `import { Pool } from 'pg';
import { instrumentPool } from './telemetry';

const pool = new Pool();
instrumentPool(pool);

export async function count() {
  return (await pool.query('select count(*) from orders')).rows[0].count;
}
`,
    },
    {
      name: 'class field listened to in the constructor',
      code: `import { Pool } from 'pg';

class Database {
  private readonly pool = new Pool({ max: 5 });

  constructor() {
    this.pool.on('error', (err) => console.error('pool error', err));
  }

  query(text: string) {
    return this.pool.query(text);
  }
}

const db = new Database();
db.query('select 1');
`,
    },
    {
      name: 'lazy singleton that returns the pool to its callers',
      code: `import { Pool } from 'pg';

let pool: Pool | undefined;

export function getPool(): Pool {
  if (!pool) {
    pool = new Pool({ connectionString: process.env.DATABASE_URL });
  }
  return pool;
}
`,
    },
    {
      name: 'pool given to an ORM',
      code: `import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
`,
    },
    {
      name: 'globalThis cache in a module with exports',
      code: `import { Pool } from 'pg';

const globalForPg = globalThis as unknown as { pgPool?: Pool };

export const pool = globalForPg.pgPool ?? (globalForPg.pgPool = new Pool());
`,
    },
    {
      name: 'module.exports object whose pool another module listens to',
      fileName: 'src/db.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

module.exports = { pool, query: (text, params) => pool.query(text, params) };
`,
      project: project(['pool'], [['pool', ['src/app']]]),
    },
    {
      name: 'default-exported new pool listened to elsewhere',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export default new Pool({ max: 20 });
`,
      project: project(['default'], [['default', ['src/index']]]),
    },
    {
      name: 'an event name from a variable may be error',
      code: `import { Pool } from 'pg';
import { POOL_EVENTS } from './events';

const pool = new Pool();
for (const [event, handler] of POOL_EVENTS) pool.on(event, handler);

await pool.query('select 1');
`,
    },
    {
      name: 'a client, not a pool',
      code: `import { Client } from 'pg';

const client = new Client();
await client.connect();
await client.query('select 1');
await client.end();
`,
    },
  ],
  invalid: [
    {
      name: 'module pool in an Express app',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.get('/users', async (_req, res) => {
  res.json((await pool.query('select * from users')).rows);
});

app.listen(3000);
`,
      errors: [
        {
          line: 5,
          column: 14,
          endColumn: 70,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import express from 'express';
import { Pool } from 'pg';

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});

app.get('/users', async (_req, res) => {
  res.json((await pool.query('select * from users')).rows);
});

app.listen(3000);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'CommonJS with double quotes, no semicolons and four-space indentation',
      fileName: 'server.js',
      code: `const { Pool } = require("pg")
const http = require("http")

const pool = new Pool({
    max: 10,
})

http.createServer(async (req, res) => {
    const { rows } = await pool.query("select now()")
    res.end(JSON.stringify(rows))
}).listen(8080)
`,
      errors: [
        {
          line: 4,
          column: 14,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `const { Pool } = require("pg")
const http = require("http")

const pool = new Pool({
    max: 10,
})
pool.on("error", (err) => {
    console.error("Unexpected error on idle PostgreSQL client", err);
})

http.createServer(async (req, res) => {
    const { rows } = await pool.query("select now()")
    res.end(JSON.stringify(rows))
}).listen(8080)
`,
            },
          ],
        },
      ],
    },
    {
      name: 'tab-indented pool inside main',
      fileName: 'scripts/seed.ts',
      code: `import { Pool } from 'pg';

async function main() {
\tconst pool = new Pool();
\ttry {
\t\tawait pool.query('insert into plans (name) values ($1)', ['free']);
\t} finally {
\t\tawait pool.end();
\t}
}

main();
`,
      errors: [
        {
          line: 4,
          column: 15,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

async function main() {
\tconst pool = new Pool();
\tpool.on('error', (err) => {
\t\tconsole.error('Unexpected error on idle PostgreSQL client', err);
\t});
\ttry {
\t\tawait pool.query('insert into plans (name) values ($1)', ['free']);
\t} finally {
\t\tawait pool.end();
\t}
}

main();
`,
            },
          ],
        },
      ],
    },
    {
      name: 'exported pool that no module of the project listens to',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL, application_name: 'api' });
`,
      project: project(['pool']),
      errors: [
        {
          line: 3,
          column: 21,
          message: noListenerInProject("'pool'", 'pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL, application_name: 'api' });
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'two exported pools, only one listened to elsewhere',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const primary = new Pool({ connectionString: process.env.PRIMARY_URL });
export const replica = new Pool({ connectionString: process.env.REPLICA_URL });
`,
      project: project(['primary', 'replica'], [['primary', ['src/server']]]),
      errors: [
        {
          line: 4,
          column: 24,
          message: noListenerInProject("'replica'", 'replica'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

export const primary = new Pool({ connectionString: process.env.PRIMARY_URL });
export const replica = new Pool({ connectionString: process.env.REPLICA_URL });
replica.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: "a 'connect' listener is not an 'error' listener",
      code: `import { Pool } from 'pg';

const pool = new Pool();
pool.on('connect', (client) => {
  client.query("set timezone = 'UTC'");
});

await pool.query('select 1');
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});
pool.on('connect', (client) => {
  client.query("set timezone = 'UTC'");
});

await pool.query('select 1');
`,
            },
          ],
        },
      ],
    },
    {
      name: 'the listener is on the other pool',
      code: `import { Pool } from 'pg';

const blogPool = new Pool({ database: 'blog' });
const marketPool = new Pool({ database: 'market' });
blogPool.on('error', (err) => console.error(err));

await Promise.all([blogPool.query('select 1'), marketPool.query('select 1')]);
`,
      errors: [
        {
          line: 4,
          column: 20,
          message: noListener('marketPool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const blogPool = new Pool({ database: 'blog' });
const marketPool = new Pool({ database: 'market' });
marketPool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});
blogPool.on('error', (err) => console.error(err));

await Promise.all([blogPool.query('select 1'), marketPool.query('select 1')]);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a listener on a checked-out client does not cover the pool',
      code: `import pg from 'pg';

const pool = new pg.Pool();

const client = await pool.connect();
client.on('error', (err) => console.error(err));
try {
  await client.query('select 1');
} finally {
  client.release();
}
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import pg from 'pg';

const pool = new pg.Pool();
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});

const client = await pool.connect();
client.on('error', (err) => console.error(err));
try {
  await client.query('select 1');
} finally {
  client.release();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'pool created per request',
      code: `import { Pool } from 'pg';

export async function GET() {
  const pool = new Pool();
  const { rows } = await pool.query('select * from posts');
  await pool.end();
  return Response.json(rows);
}
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

export async function GET() {
  const pool = new Pool();
  pool.on('error', (err) => {
    console.error('Unexpected error on idle PostgreSQL client', err);
  });
  const { rows } = await pool.query('select * from posts');
  await pool.end();
  return Response.json(rows);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'private class field never listened to',
      code: `import { Pool } from 'pg';

export class OrderRepository {
  readonly #pool = new Pool({ max: 5 });

  async byId(id: number) {
    return (await this.#pool.query('select * from orders where id = $1', [id])).rows[0];
  }
}
`,
      errors: [{ line: 4, column: 20, message: noListener('this.#pool') }],
    },
    {
      name: 'pool assigned in the constructor of a class the module keeps to itself',
      fileName: 'src/jobs/cleanup.js',
      code: `const { Pool } = require('pg');

class Cleaner {
  constructor() {
    this.pool = new Pool();
  }

  run() {
    return this.pool.query('delete from sessions where expires_at < now()');
  }
}

const cleaner = new Cleaner();
setInterval(() => cleaner.run(), 60000);
`,
      errors: [
        {
          line: 5,
          column: 17,
          message: noListener('this.pool'),
          fixes: [
            {
              title: FIX,
              output: `const { Pool } = require('pg');

class Cleaner {
  constructor() {
    this.pool = new Pool();
    this.pool.on('error', (err) => {
      console.error('Unexpected error on idle PostgreSQL client', err);
    });
  }

  run() {
    return this.pool.query('delete from sessions where expires_at < now()');
  }
}

const cleaner = new Cleaner();
setInterval(() => cleaner.run(), 60000);
`,
            },
          ],
        },
      ],
    },
    {
      name: "chained listeners without 'error'",
      code: `import { Pool } from 'pg';

const pool = new Pool().on('connect', (client) => client.query('set search_path to app'));

await pool.query('select 1');
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool().on('connect', (client) => client.query('set search_path to app'));
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});

await pool.query('select 1');
`,
            },
          ],
        },
      ],
    },
    {
      name: 'pool assigned in an init function',
      code: `import { Pool, type PoolConfig } from 'pg';

let pool: Pool;

function init(config: PoolConfig) {
  pool = new Pool(config);
}

init({ max: 4 });
await pool.query('select 1');
`,
      errors: [
        {
          line: 6,
          column: 10,
          message: noListener('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool, type PoolConfig } from 'pg';

let pool: Pool;

function init(config: PoolConfig) {
  pool = new Pool(config);
  pool.on('error', (err) => {
    console.error('Unexpected error on idle PostgreSQL client', err);
  });
}

init({ max: 4 });
await pool.query('select 1');
`,
            },
          ],
        },
      ],
    },
    {
      name: 'pool created under an if without a block: no place for the listener that runs once with it',
      code: `import { Pool } from 'pg';

let pool: Pool | undefined;
if (process.env.DATABASE_URL) pool = new Pool({ connectionString: process.env.DATABASE_URL });

await pool?.query('select 1');
`,
      errors: [{ line: 4, column: 38, message: noListener('pool') }],
    },
    {
      name: 'module.exports object in a project where nobody listens',
      fileName: 'src/db.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

module.exports = { pool };
`,
      project: project(['pool']),
      errors: [
        {
          line: 3,
          column: 14,
          message: noListenerInProject("'pool'", 'pool'),
          fixes: [
            {
              title: FIX,
              output: `const { Pool } = require('pg');

const pool = new Pool();
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});

module.exports = { pool };
`,
            },
          ],
        },
      ],
    },
    {
      name: 'default-exported new pool nobody listens to',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export default new Pool({ max: 20, idleTimeoutMillis: 30_000 });
`,
      project: project(['default']),
      errors: [{ line: 3, column: 16, message: noListenerInProject("'default'", 'pool') }],
    },
    {
      name: 'exported under two names, listened to under neither',
      fileName: 'src/db.mjs',
      code: `import pg from 'pg';

const pool = new pg.Pool();

export { pool, pool as db };
export default pool;
`,
      project: project(['pool', 'db', 'default'], [['other', ['src/app']]]),
      errors: [
        {
          line: 3,
          column: 14,
          message: noListenerInProject("'pool', 'db', 'default'", 'pool'),
          fixes: [
            {
              title: FIX,
              output: `import pg from 'pg';

const pool = new pg.Pool();
pool.on('error', (err) => {
  console.error('Unexpected error on idle PostgreSQL client', err);
});

export { pool, pool as db };
export default pool;
`,
            },
          ],
        },
      ],
    },
  ],
});
