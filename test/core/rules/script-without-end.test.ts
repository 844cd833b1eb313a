import type { ProjectFacts } from '../../../src/core/project';
import rule from '../../../src/core/rules/script-without-end';
import { runRuleTests } from '../ruleTester';

const FIX = 'End the pool when the script finishes';
const neverEnded = (name: string) =>
  `This script never calls ${name}.end(): the pool's open connections keep the process alive after the work is done (for idleTimeoutMillis, or for good). End the pool when the script finishes.`;
const successOnly = (name: string) =>
  `${name}.end() runs only when the script succeeds: after an error is caught, the pool keeps the process alive. End the pool in a finally block or a .finally() callback.`;
const errorOnly = (name: string) =>
  `This script ends only on its error path; when it succeeds, ${name} keeps the process alive. End the pool in a finally block or a .finally() callback.`;
const CAUGHT_HERE = 'the error is caught here and the pool is not ended';

const project = (scriptFiles: string[], poolExports: Array<[string, string[]]> = []): ProjectFacts => ({
  poolExports: new Map(poolExports.map(([module, names]) => [module, new Set(names)])),
  scriptFiles: new Set(scriptFiles),
  complete: true,
});

runRuleTests(rule, {
  valid: [
    {
      name: 'pool ended in a finally block inside main',
      fileName: 'scripts/migrate.ts',
      code: `import { Pool } from 'pg';

async function main() {
  const pool = new Pool();
  try {
    await pool.query('alter table users add column if not exists last_seen timestamptz');
  } finally {
    await pool.end();
  }
}

main();
`,
    },
    {
      name: 'main().finally(() => pool.end())',
      fileName: 'scripts/backfill.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  await pool.query('update orders set total = subtotal + tax where total is null');
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => pool.end());
`,
    },
    {
      name: 'then ends the pool, catch exits',
      fileName: 'scripts/report.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select count(*) from users');
  console.log(rows[0].count);
}

main()
  .then(() => pool.end())
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
`,
    },
    {
      name: 'top-level await work ending with pool.end()',
      fileName: 'scripts/seed.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

await pool.query("insert into plans (name) values ('free'), ('pro')");
console.log('seeded');
await pool.end();
`,
    },
    {
      name: 'top-level try/finally',
      fileName: 'scripts/cleanup.mts',
      code: `import pg from 'pg';

const pool = new pg.Pool();
try {
  await pool.query('delete from sessions where expires_at < now()');
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await pool.end();
}
`,
    },
    {
      name: 'pool ended from a SIGTERM listener',
      fileName: 'bin/consume.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

process.on('SIGTERM', () => pool.end());

async function drain() {
  await pool.query('delete from outbox where sent');
}

drain();
`,
    },
    {
      name: 'process.exit() at the end',
      fileName: 'scripts/check.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select 1 as ok');
  console.log(rows[0].ok);
}

await main();
process.exit(0);
`,
    },
    {
      name: 'then and its rejection handler both end the pool',
      fileName: 'scripts/export.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

async function run() {
  await pool.query('copy (select * from users) to stdout');
}

run().then(
  () => pool.end(),
  (err) => {
    console.error(err);
    return pool.end();
  },
);
`,
    },
    {
      name: 'a catch that re-throws does not keep the process alive',
      fileName: 'scripts/reindex.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

try {
  await pool.query('reindex table users');
  await pool.end();
} catch (err) {
  console.error('reindex failed');
  throw err;
}
`,
    },
    {
      name: 'an async IIFE with try/finally',
      fileName: 'scripts/vacuum.js',
      code: `const { Pool } = require('pg');

(async () => {
  const pool = new Pool();
  try {
    await pool.query('vacuum analyze');
  } finally {
    await pool.end();
  }
})();
`,
    },
    {
      name: 'a local cleanup function handed to .finally()',
      fileName: 'scripts/sync.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function cleanup() {
  await pool.end();
}

async function main() {
  await pool.query('refresh materialized view concurrently daily_stats');
}

main().catch(console.error).finally(cleanup);
`,
    },
    {
      name: 'an imported close helper ends the imported pool',
      fileName: 'scripts/seed.ts',
      project: project([], [['src/db', ['pool']]]),
      code: `import { pool, closePool } from '../src/db';

await pool.query("insert into users (email) values ('admin@example.com')");
await closePool();
`,
    },
    {
      name: 'a package.json script that ends an imported pool',
      fileName: 'tools/import-users.ts',
      project: project(['tools/import-users'], [['src/db', ['pool']]]),
      code: `import { pool } from '../src/db';

async function main() {
  try {
    await pool.query('insert into users select * from staging_users');
  } finally {
    await pool.end();
  }
}

main();
`,
    },
    {
      name: 'shebang CLI that ends its pool in finally',
      fileName: 'cli.js',
      code: `#!/usr/bin/env node
const { Pool } = require('pg');

async function main() {
  const pool = new Pool();
  try {
    const { rows } = await pool.query('select version()');
    console.log(rows[0].version);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
`,
    },
    {
      name: 'an Express server is not a script',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const pool = new Pool();
const app = express();

app.get('/users', async (_req, res) => res.json((await pool.query('select * from users')).rows));

async function start() {
  await pool.query('select 1');
  app.listen(3000);
}

start();
`,
    },
    {
      name: 'an http server under bin/ is not a script',
      fileName: 'bin/www.js',
      code: `#!/usr/bin/env node
const http = require('node:http');
const { Pool } = require('pg');

const pool = new Pool();
http.createServer(async (req, res) => {
  const { rows } = await pool.query('select now()');
  res.end(JSON.stringify(rows[0]));
}).listen(process.env.PORT || 3000);
`,
    },
    {
      name: 'a Hono app served with serve()',
      fileName: 'src/index.ts',
      code: `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Pool } from 'pg';

const pool = new Pool();
const app = new Hono();
app.get('/', async (c) => c.json((await pool.query('select 1')).rows));

await pool.query('select 1');
serve({ fetch: app.fetch, port: 8787 });
`,
    },
    {
      name: 'a worker that polls with setInterval runs for good',
      fileName: 'src/worker.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function tick() {
  await pool.query("update jobs set state = 'queued' where state = 'stale'");
}

setInterval(tick, 5000);
tick();
`,
    },
    {
      name: 'a LISTEN loop runs for good',
      fileName: 'scripts/listen.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();
const client = await pool.connect();
client.on('notification', (msg) => console.log(msg.payload));
await client.query('LISTEN cache_invalidation');
`,
    },
    {
      name: 'a polling worker with an endless loop runs for good',
      fileName: 'scripts/worker.ts',
      project: project(['scripts/worker']),
      code: `import { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

const pool = new Pool();

while (true) {
  const { rowCount } = await pool.query("update jobs set state = 'done' where state = 'ready'");
  if (rowCount === 0) await sleep(1000);
}
`,
    },
    {
      name: 'a queue consumer runs for good',
      fileName: 'bin/consumer.js',
      code: `const { Kafka } = require('kafkajs');
const { Pool } = require('pg');

const pool = new Pool();
const consumer = new Kafka({ brokers: ['localhost:9092'] }).consumer({ groupId: 'audit' });

async function main() {
  await consumer.connect();
  await consumer.subscribe({ topic: 'events' });
  await consumer.run({ eachMessage: async ({ message }) => pool.query('insert into audit (body) values ($1)', [message.value]) });
}

main();
`,
    },
    {
      name: 'a module with exports is a library',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export const pool = new Pool();

export async function getUser(id: string) {
  const { rows } = await pool.query('select * from users where id = $1', [id]);
  return rows[0];
}
`,
    },
    {
      name: 'a helper module under scripts/ that exports and runs nothing',
      fileName: 'scripts/lib/db.ts',
      code: `import { Pool } from 'pg';

export function connect(url: string) {
  return new Pool({ connectionString: url });
}
`,
    },
    {
      name: 'a module that does no top-level work',
      fileName: 'src/queries.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

function countUsers() {
  return pool.query('select count(*) from users');
}
`,
    },
    {
      name: 'script ends the pool after a catch that carries on',
      fileName: 'scripts/import.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();
const files = ['a.csv', 'b.csv'];

for (const file of files) {
  try {
    await pool.query('select import_csv($1)', [file]);
  } catch (err) {
    console.warn('skipped', file, err);
  }
}
await pool.end();
`,
    },
    {
      name: 'process.exit at the end of main, with an exiting catch',
      fileName: 'scripts/count.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select count(*) from orders');
  console.log(rows[0].count);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`,
    },
    {
      name: 'a class that owns the pool, closed by a method the script calls',
      fileName: 'scripts/migrate.ts',
      code: `import { Pool } from 'pg';

class Migrator {
  private readonly pool = new Pool();

  async up() {
    await this.pool.query('create table if not exists plans (id serial primary key)');
  }

  async close() {
    await this.pool.end();
  }
}

const migrator = new Migrator();
try {
  await migrator.up();
} finally {
  await migrator.close();
}
`,
    },
    {
      name: 'a recursive retry helper',
      fileName: 'scripts/ping.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function attempt(left: number): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (err) {
    if (left > 0) return attempt(left - 1);
    throw err;
  }
}

await attempt(3);
await pool.end();
`,
    },
    {
      name: 'suppressed with a reason',
      fileName: 'scripts/repl.ts',
      code: `import { Pool } from 'pg';

// pool-lens-disable-next-line script-without-end -- interactive: the user quits with Ctrl+C
const pool = new Pool();
await pool.query('select 1');
`,
    },
  ],
  invalid: [
    {
      name: 'main().catch(console.error) with a pool never ended',
      fileName: 'scripts/migrate.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

async function main() {
  await pool.query('create table if not exists audit (id serial primary key, at timestamptz default now())');
}

main().catch(console.error);
`,
      errors: [
        {
          line: 3,
          column: 14,
          endColumn: 70,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

async function main() {
  await pool.query('create table if not exists audit (id serial primary key, at timestamptz default now())');
}

main().catch(console.error).finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'bare main() call',
      fileName: 'scripts/backfill.ts',
      code: `import { Pool } from 'pg';

const db = new Pool();

async function main() {
  await db.query('update users set slug = lower(name) where slug is null');
}

main();
`,
      errors: [
        {
          line: 3,
          column: 12,
          message: neverEnded('db'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const db = new Pool();

async function main() {
  await db.query('update users set slug = lower(name) where slug is null');
}

main().finally(() => db.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'void main()',
      fileName: 'scripts/prune.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

const main = async () => {
  await pool.query('delete from events where at < now() - interval \\'30 days\\'');
};

void main();
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();

const main = async () => {
  await pool.query('delete from events where at < now() - interval \\'30 days\\'');
};

void main().finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'await main()',
      fileName: 'scripts/stats.mts',
      code: `import pg from 'pg';

const pool = new pg.Pool();

async function main() {
  const { rows } = await pool.query('select relname, n_live_tup from pg_stat_user_tables');
  console.table(rows);
}

await main();
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import pg from 'pg';

const pool = new pg.Pool();

async function main() {
  const { rows } = await pool.query('select relname, n_live_tup from pg_stat_user_tables');
  console.table(rows);
}

await main().finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'top-level awaited work is wrapped in try/finally',
      fileName: 'scripts/seed.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

const { rows } = await pool.query('select id from users where seeded = false');
for (const row of rows) {
  await pool.query('update users set seeded = true where id = $1', [row.id]);
}
console.log(\`seeded \${rows.length} users\`);
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();

try {
  const { rows } = await pool.query('select id from users where seeded = false');
  for (const row of rows) {
    await pool.query('update users set seeded = true where id = $1', [row.id]);
  }
  console.log(\`seeded \${rows.length} users\`);
} finally {
  await pool.end();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'four-space indentation and no semicolons are kept',
      fileName: 'scripts/truncate.mjs',
      code: `import pg from 'pg'

const pool = new pg.Pool()

if (process.argv.includes('--yes')) {
    await pool.query('truncate table sessions')
}
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import pg from 'pg'

const pool = new pg.Pool()

try {
    if (process.argv.includes('--yes')) {
        await pool.query('truncate table sessions')
    }
} finally {
    await pool.end()
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'pool.end() only on the success path of a promise chain',
      fileName: 'scripts/report.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select count(*) from orders');
  console.log(rows[0].count);
}

main()
  .then(() => pool.end())
  .catch(console.error);
`,
      errors: [{ line: 3, column: 14, message: successOnly('pool'), related: [{ line: 10, column: 1, message: CAUGHT_HERE }] }],
    },
    {
      name: 'pool.end() at the end of main, errors logged by catch',
      fileName: 'scripts/archive.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  await pool.query('insert into orders_archive select * from orders where closed');
  await pool.query('delete from orders where closed');
  await pool.end();
}

main().catch((err) => console.error('archive failed', err));
`,
      errors: [{ line: 3, column: 14, message: successOnly('pool'), related: [{ line: 11, column: 1, message: CAUGHT_HERE }] }],
    },
    {
      name: 'top-level try/catch that swallows the error',
      fileName: 'scripts/rebuild.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

try {
  await pool.query('refresh materialized view search_index');
  await pool.end();
} catch (err) {
  console.error(err);
}
`,
      errors: [{ line: 3, column: 14, message: successOnly('pool'), related: [{ line: 8, column: 3, message: CAUGHT_HERE }] }],
    },
    {
      name: 'setting process.exitCode does not end the process',
      fileName: 'scripts/dedupe.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  await pool.query('delete from emails a using emails b where a.id > b.id and a.address = b.address');
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`,
      errors: [{ line: 3, column: 14, message: successOnly('pool'), related: [{ line: 10, column: 1 }] }],
    },
    {
      name: 'a try/catch inside main that swallows the error',
      fileName: 'scripts/grant.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

async function main() {
  try {
    await pool.query('grant select on all tables in schema public to reporting');
    await pool.end();
  } catch (err) {
    console.error('grant failed:', err.message);
  }
}

main();
`,
      errors: [{ line: 3, column: 14, message: successOnly('pool'), related: [{ line: 9, column: 5 }] }],
    },
    {
      name: 'the process exits only when the script fails',
      fileName: 'scripts/sync-plans.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  await pool.query('insert into plans select * from remote_plans on conflict do nothing');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: errorOnly('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  await pool.query('insert into plans select * from remote_plans on conflict do nothing');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
}).finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'pool ended only in a catch block',
      fileName: 'scripts/load.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

try {
  await pool.query('select load_fixtures()');
} catch (err) {
  console.error(err);
  await pool.end();
  process.exit(1);
}
`,
      errors: [{ line: 3, column: 14, message: errorOnly('pool') }],
    },
    {
      name: 'shebang CLI in CommonJS',
      fileName: 'cli.js',
      code: `#!/usr/bin/env node
const { Pool } = require('pg');

const pool = new Pool();

async function run() {
  const { rows } = await pool.query('select datname from pg_database');
  for (const row of rows) console.log(row.datname);
}

run();
`,
      errors: [
        {
          line: 4,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `#!/usr/bin/env node
const { Pool } = require('pg');

const pool = new Pool();

async function run() {
  const { rows } = await pool.query('select datname from pg_database');
  for (const row of rows) console.log(row.datname);
}

run().finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a file package.json runs as a script',
      fileName: 'tools/export-csv.ts',
      project: project(['tools/export-csv']),
      code: `import { Pool } from 'pg';

export const pool = new Pool();

export async function exportCsv() {
  const { rows } = await pool.query('select * from users');
  return rows.map((r) => Object.values(r).join(',')).join('\\n');
}

if (process.argv[1]?.endsWith('export-csv.ts')) {
  exportCsv().then(console.log);
}
`,
      errors: [
        {
          line: 3,
          column: 21,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

export const pool = new Pool();

export async function exportCsv() {
  const { rows } = await pool.query('select * from users');
  return rows.map((r) => Object.values(r).join(',')).join('\\n');
}

if (process.argv[1]?.endsWith('export-csv.ts')) {
  exportCsv().then(console.log).finally(() => pool.end());
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a script that imports the app pool (ESM)',
      fileName: 'scripts/seed-admin.ts',
      project: project([], [['src/db', ['pool']]]),
      code: `import { pool } from '../src/db';
import { hash } from './hash';

await pool.query('insert into users (email, password) values ($1, $2)', ['admin@example.com', await hash('changeme')]);
console.log('admin created');
`,
      errors: [
        {
          line: 1,
          column: 1,
          endColumn: 34,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { pool } from '../src/db';
import { hash } from './hash';

try {
  await pool.query('insert into users (email, password) values ($1, $2)', ['admin@example.com', await hash('changeme')]);
  console.log('admin created');
} finally {
  await pool.end();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a script that requires the app pool (CommonJS)',
      fileName: 'scripts/cleanup.js',
      project: project([], [['lib/db', ['pool']]]),
      code: `const { pool } = require('../lib/db');

async function main() {
  await pool.query('delete from tokens where expires_at < now()');
}

main().catch((err) => console.error(err));
`,
      errors: [
        {
          line: 1,
          column: 7,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `const { pool } = require('../lib/db');

async function main() {
  await pool.query('delete from tokens where expires_at < now()');
}

main().catch((err) => console.error(err)).finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a pool local to main cannot be ended from the top level: no fix',
      fileName: 'scripts/count.ts',
      code: `import { Pool } from 'pg';

async function main() {
  const pool = new Pool();
  const { rows } = await pool.query('select count(*) from users');
  console.log(rows[0].count);
}

main();
`,
      errors: [{ line: 4, column: 16, message: neverEnded('pool') }],
    },
    {
      name: 'pool local to main, ended only on success',
      fileName: 'scripts/touch.ts',
      code: `import { Pool } from 'pg';

async function main() {
  const pool = new Pool();
  await pool.query('update users set touched_at = now()');
  await pool.end();
}

main().catch(console.error);
`,
      errors: [{ line: 4, column: 16, message: successOnly('pool'), related: [{ line: 9, column: 1 }] }],
    },
    {
      name: 'top-level main() in a file outside any scripts folder',
      fileName: 'tools/report.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select count(*) from signups where at > now() - interval \\'1 day\\'');
  console.log(rows[0].count);
}

main();
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();

async function main() {
  const { rows } = await pool.query('select count(*) from signups where at > now() - interval \\'1 day\\'');
  console.log(rows[0].count);
}

main().finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'file under bin/ with an async IIFE',
      fileName: 'bin/rotate-keys.js',
      code: `const { Pool } = require('pg');

(async () => {
  const pool = new Pool();
  await pool.query('update api_keys set rotated_at = now() where rotated_at < now() - interval \\'90 days\\'');
})();
`,
      errors: [{ line: 4, column: 16, message: neverEnded('pool') }],
    },
    {
      name: 'the only end is in a function nobody calls',
      fileName: 'scripts/warm.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function shutdown() {
  await pool.end();
}

await pool.query('select warm_cache()');
`,
      errors: [{ line: 3, column: 14, message: neverEnded('pool') }],
    },
    {
      name: 'two pools, each needs ending',
      fileName: 'scripts/copy-users.ts',
      code: `import { Pool } from 'pg';

const source = new Pool({ connectionString: process.env.SOURCE_URL });
const target = new Pool({ connectionString: process.env.TARGET_URL });

async function main() {
  const { rows } = await source.query('select * from users');
  for (const row of rows) await target.query('insert into users values ($1, $2)', [row.id, row.email]);
  await source.end();
}

main();
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: neverEnded('target'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const source = new Pool({ connectionString: process.env.SOURCE_URL });
const target = new Pool({ connectionString: process.env.TARGET_URL });

async function main() {
  const { rows } = await source.query('select * from users');
  for (const row of rows) await target.query('insert into users values ($1, $2)', [row.id, row.email]);
  await source.end();
}

main().finally(() => target.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a pool kept in an object',
      fileName: 'scripts/stats.ts',
      code: `import { Pool } from 'pg';

const db = { pool: new Pool(), name: 'main' };

const { rows } = await db.pool.query('select count(*) from users');
console.log(db.name, rows[0].count);
`,
      errors: [{ line: 3, column: 20, message: neverEnded('pool') }],
    },
    {
      name: 'a class whose close method is never called',
      fileName: 'scripts/reset.ts',
      code: `import { Pool } from 'pg';

class Db {
  pool: Pool;

  constructor() {
    this.pool = new Pool();
  }

  close() {
    return this.pool.end();
  }
}

const db = new Db();
await db.pool.query('truncate table carts');
`,
      errors: [{ line: 7, column: 17, message: neverEnded('pool') }],
    },
    {
      name: 'for await over input lines at the top level',
      fileName: 'scripts/import-lines.mjs',
      code: `#!/usr/bin/env node
import readline from 'node:readline';
import pg from 'pg';

const rl = readline.createInterface({ input: process.stdin });
const pool = new pg.Pool();

for await (const line of rl) {
  await pool.query('insert into lines (text) values ($1)', [line]);
}
`,
      errors: [
        {
          line: 6,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `#!/usr/bin/env node
import readline from 'node:readline';
import pg from 'pg';

const rl = readline.createInterface({ input: process.stdin });
const pool = new pg.Pool();

try {
  for await (const line of rl) {
    await pool.query('insert into lines (text) values ($1)', [line]);
  }
} finally {
  await pool.end();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a module-level pool used by an async IIFE',
      fileName: 'scripts/recount.js',
      code: `const { Pool } = require('pg');

const pool = new Pool();

(async () => {
  await pool.query('update stats set users = (select count(*) from users)');
})();
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `const { Pool } = require('pg');

const pool = new Pool();

(async () => {
  await pool.query('update stats set users = (select count(*) from users)');
})().finally(() => pool.end());
`,
            },
          ],
        },
      ],
    },
    {
      name: 'several awaited steps are wrapped together',
      fileName: 'scripts/nightly.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function expireSessions() {
  await pool.query('delete from sessions where expires_at < now()');
}

async function refreshStats() {
  await pool.query('refresh materialized view stats');
}

await expireSessions();
await refreshStats();
`,
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';

const pool = new Pool();

try {
  async function expireSessions() {
    await pool.query('delete from sessions where expires_at < now()');
  }

  async function refreshStats() {
    await pool.query('refresh materialized view stats');
  }

  await expireSessions();
  await refreshStats();
} finally {
  await pool.end();
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'two floating entry calls: no single place to end the pool, so no fix',
      fileName: 'scripts/seed-all.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

async function seedUsers() {
  await pool.query("insert into users (email) values ('a@example.com')");
}

async function seedOrders() {
  await pool.query('insert into orders (total) values (10)');
}

seedUsers();
seedOrders();
`,
      errors: [{ line: 3, column: 14, message: neverEnded('pool') }],
    },
    {
      name: 'a retry loop that breaks out is not a long-running worker',
      fileName: 'scripts/wait-for-db.ts',
      code: `import { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

const pool = new Pool();

while (true) {
  try {
    await pool.query('select 1');
    break;
  } catch {
    await sleep(500);
  }
}
console.log('database is up');

export {};
`,
      errors: [
        {
          line: 4,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: `import { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

const pool = new Pool();

try {
  while (true) {
    try {
      await pool.query('select 1');
      break;
    } catch {
      await sleep(500);
    }
  }
  console.log('database is up');
} finally {
  await pool.end();
}

export {};
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Windows line endings are kept',
      fileName: 'scripts/touch-all.ts',
      code: ["import { Pool } from 'pg';", '', 'const pool = new Pool();', '', "await pool.query('update users set touched_at = now()');", ''].join('\r\n'),
      errors: [
        {
          line: 3,
          column: 14,
          message: neverEnded('pool'),
          fixes: [
            {
              title: FIX,
              output: [
                "import { Pool } from 'pg';",
                '',
                'const pool = new Pool();',
                '',
                'try {',
                "  await pool.query('update users set touched_at = now()');",
                '} finally {',
                '  await pool.end();',
                '}',
                '',
              ].join('\r\n'),
            },
          ],
        },
      ],
    },
    {
      name: 'a template literal spanning lines is not re-indented: no fix',
      fileName: 'scripts/create-view.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool();

await pool.query(\`
  create or replace view active_users as
  select * from users where active
\`);
`,
      errors: [{ line: 3, column: 14, message: neverEnded('pool') }],
    },
  ],
});
