import rule from '../../../src/core/rules/double-release';
import { runRuleTests, type RuleCases } from '../ruleTester';

const AGAIN = /runs again on a path where the client was already released/;
const USED = /runs after the client was released on this path/;
const FIRST = 'Released here first on that path.';
const KEEP_FINALLY = 'Release only in the finally block';

const valid: RuleCases['valid'] = [
  {
    name: 'release once in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function findUser(id: string) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0];
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'release at the end of try and in catch, nothing in between can throw',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function countUsers() {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT count(*) FROM users');
    client.release();
    return rows[0].count;
  } catch (err) {
    client.release();
    throw err;
  }
}
`,
  },
  {
    name: 'release(err) in catch and release() after, on different paths',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function touch(id: number) {
  const client = await pool.connect();
  try {
    await client.query('UPDATE users SET seen_at = now() WHERE id = $1', [id]);
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  client.release();
}
`,
  },
  {
    name: 'one release per branch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function check(strict: boolean) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT 1 AS ok').catch((err) => {
    client.release(true);
    throw err;
  });
  if (strict) {
    client.release();
    return rows[0].ok === 1;
  }
  client.release();
  return true;
}
`,
  },
  {
    name: 'client set to undefined after release, released in finally only if still set',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function refresh() {
  let client: PoolClient | undefined = await pool.connect();
  try {
    await client.query('REFRESH MATERIALIZED VIEW stats');
    client.release();
    client = undefined;
    await notifyRefreshed();
  } finally {
    if (client) client.release();
  }
}

declare function notifyRefreshed(): Promise<void>;
`,
  },
  {
    name: 'a new client per loop iteration',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importAll(batches: string[][]) {
  for (const batch of batches) {
    const client = await pool.connect();
    try {
      for (const row of batch) await client.query('INSERT INTO items (name) VALUES ($1)', [row]);
    } finally {
      client.release();
    }
  }
}
`,
  },
  {
    name: 'callback style: done() once on each path',
    fileName: 'legacy.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

pool.connect((err, client, done) => {
  if (err) return console.error('could not connect', err);
  client.query('SELECT now()', (queryErr, result) => {
    done();
    if (queryErr) return console.error(queryErr);
    console.log(result.rows[0]);
  });
});
`,
  },
  {
    name: 'callback style: done(err) when the connect itself failed',
    fileName: 'legacy-error.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

pool.connect((err, client, done) => {
  if (err) {
    done(err);
    return;
  }
  client.query('SELECT 1', () => done());
});
`,
  },
  {
    name: '.then chain with one release in .finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function ping() {
  return pool.connect().then((client) =>
    client
      .query('SELECT 1')
      .then((result) => result.rows)
      .finally(() => client.release()),
  );
}
`,
  },
  {
    name: '.then releases, .catch releases only when the query failed',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function ping() {
  return pool.connect().then((client) =>
    client.query('SELECT 1').then(
      (result) => {
        client.release();
        return result.rows;
      },
      (err) => {
        client.release(err);
        throw err;
      },
    ),
  );
}
`,
  },
  {
    name: 'a release helper called once',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function stats() {
  const client = await pool.connect();
  const cleanup = () => client.release();
  try {
    return (await client.query('SELECT * FROM stats')).rows;
  } finally {
    cleanup();
  }
}
`,
  },
  {
    name: 'end() on a standalone Client',
    code: `import { Client } from 'pg';

export async function migrate() {
  const client = new Client();
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS posts (id serial PRIMARY KEY)');
  } finally {
    await client.end();
  }
}
`,
  },
  {
    name: 'pool.end() after the client is released',
    fileName: 'scripts/seed.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function main() {
  const client = await pool.connect();
  try {
    await client.query("INSERT INTO users (email) VALUES ('admin@example.com')");
  } finally {
    client.release();
  }
  await pool.end();
}

main();
`,
  },
  {
    name: 'early return releases, the rest releases later',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function findPost(slug: string) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT * FROM posts WHERE slug = $1', [slug]).catch((err) => {
    client.release();
    throw err;
  });
  if (rows.length === 0) {
    client.release();
    return null;
  }
  const post = rows[0];
  client.release();
  return post;
}
`,
  },
  {
    name: 'switch with a release in each case and a break',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function act(kind: 'a' | 'b') {
  const client = await pool.connect();
  switch (kind) {
    case 'a':
      client.release();
      break;
    default:
      client.release(true);
  }
}
`,
  },
  {
    name: 'a query stream released by its end or its error listener',
    code: `import { Pool } from 'pg';
import QueryStream from 'pg-query-stream';

const pool = new Pool();

export async function streamUsers(out: NodeJS.WritableStream) {
  const client = await pool.connect();
  const stream = client.query(new QueryStream('SELECT * FROM users'));
  stream.on('end', () => client.release());
  stream.on('error', (err: Error) => client.release(err));
  stream.pipe(out);
}
`,
  },
];

const invalid: RuleCases['invalid'] = [
  {
    name: 'release in try and again in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function findUser(id: string) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
    client.release();
    return rows[0];
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 12,
        column: 5,
        endColumn: 21,
        message:
          'client.release() runs again on a path where the client was already released: pg-pool throws "Release called on client which has already been released to the pool."',
        related: [{ line: 9, column: 5, message: FIRST }],
        fixes: [
          {
            title: KEEP_FINALLY,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function findUser(id: string) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0];
  } finally {
    client.release();
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'released in both branches and again after',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function save(valid: boolean, name: string) {
  const client = await pool.connect();
  await client.query('INSERT INTO drafts (name) VALUES ($1)', [name]);
  if (valid) {
    client.release();
  } else {
    client.release(true);
  }
  client.release();
}
`,
    errors: [
      {
        line: 13,
        column: 3,
        message: AGAIN,
        related: [{ line: 11, column: 5, message: FIRST }],
        fixes: [
          {
            title: 'Remove the second client.release()',
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function save(valid: boolean, name: string) {
  const client = await pool.connect();
  await client.query('INSERT INTO drafts (name) VALUES ($1)', [name]);
  if (valid) {
    client.release();
  } else {
    client.release(true);
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'release on one branch, then unconditionally',
    fileName: 'cache.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function warm(keys) {
  const client = await pool.connect();
  if (keys.length === 0) client.release();
  for (const key of keys) await client.query('SELECT warm($1)', [key]);
  client.release();
}

module.exports = { warm };
`,
    errors: [
      { line: 8, column: 33, message: USED, related: [{ line: 7, column: 26, message: FIRST }] },
      { line: 9, column: 3, message: AGAIN, related: [{ line: 7, column: 26, message: FIRST }] },
    ],
  },
  {
    name: 'a loop releasing the one client on every iteration',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importRows(rows: string[]) {
  const client = await pool.connect();
  for (const row of rows) {
    await client.query('INSERT INTO items (name) VALUES ($1)', [row]);
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: "client.query() runs after the client was released on this path: the connection may already be lent to someone else.",
        related: [],
      },
      { line: 9, column: 5, message: AGAIN, related: [] },
    ],
  },
  {
    name: 'release in try is followed by a call that can throw into a releasing catch',
    code: `import { Pool } from 'pg';
import type { Response } from 'express';

const pool = new Pool();

export async function listOrders(res: Response) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM orders');
    client.release();
    res.json(rows);
  } catch (err) {
    client.release();
    res.status(500).end();
  }
}
`,
    errors: [{ line: 13, column: 5, message: AGAIN, related: [{ line: 10, column: 5, message: FIRST }] }],
  },
  {
    name: '.then and .catch both release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function logNow() {
  pool.connect().then((client) =>
    client
      .query('SELECT now()')
      .then((result) => {
        client.release();
        console.log(result.rows[0]);
      })
      .catch((err) => {
        client.release();
        console.error(err);
      }),
  );
}
`,
    errors: [{ line: 14, column: 9, message: AGAIN, related: [{ line: 10, column: 9, message: FIRST }] }],
  },
  {
    name: 'callback style: done() before and inside the error branch',
    fileName: 'legacy.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

pool.connect((err, client, done) => {
  if (err) return console.error(err);
  client.query('SELECT now()', (queryErr, result) => {
    done();
    if (queryErr) {
      done(queryErr);
      return console.error(queryErr);
    }
    console.log(result.rows[0]);
  });
});
`,
    errors: [
      {
        line: 10,
        column: 7,
        message: 'done() runs again on a path where the client was already released: pg-pool throws "Release called on client which has already been released to the pool."',
        related: [{ line: 8, column: 5, message: FIRST }],
      },
    ],
  },
  {
    name: 'callback style: an error branch without return falls through to the second done()',
    fileName: 'report.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

function report(callback) {
  pool.connect((err, client, done) => {
    if (err) return callback(err);
    client.query('SELECT * FROM report', (queryErr, result) => {
      if (queryErr) {
        done(queryErr);
        callback(queryErr);
      }
      done();
      callback(null, result.rows);
    });
  });
}

module.exports = { report };
`,
    errors: [{ line: 13, column: 7, message: /^done\(\) runs again/, related: [{ line: 10, column: 9, message: FIRST }] }],
  },
  {
    name: 'query after release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function profile(id: number) {
  const client = await pool.connect();
  const { rows: [user] } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
  client.release();
  const { rows: posts } = await client.query('SELECT * FROM posts WHERE author_id = $1', [id]);
  return { user, posts };
}
`,
    errors: [
      {
        line: 9,
        column: 33,
        message: 'client.query() runs after the client was released on this path: the connection may already be lent to someone else.',
        related: [{ line: 8, column: 3, message: FIRST }],
      },
    ],
  },
  {
    name: 'query after release in finally of an inner try',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function audit(userId: number) {
  const db = await pool.connect();
  try {
    await db.query('UPDATE users SET audited = true WHERE id = $1', [userId]);
  } finally {
    db.release();
  }
  await db.query('INSERT INTO audit_log (user_id) VALUES ($1)', [userId]);
}
`,
    errors: [{ line: 12, column: 9, message: /^db\.query\(\) runs after the client was released/, related: [{ line: 10, column: 5, message: FIRST }] }],
  },
  {
    name: 'end() on a pooled client',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function version() {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT version()');
  await client.end();
  return rows[0].version;
}
`,
    errors: [
      {
        line: 8,
        column: 9,
        endColumn: 21,
        message:
          'client.end() closes a connection that belongs to the pool: give it back with client.release(), or client.release(true) to have the pool discard it.',
      },
    ],
  },
  {
    name: 'end() on a pooled client in a finally',
    fileName: 'scripts/export.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function exportUsers() {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users');
    console.log(JSON.stringify(rows));
  } finally {
    client.end();
  }
}

exportUsers().finally(() => pool.end());
`,
    errors: [{ line: 11, column: 5, message: /^client\.end\(\) closes a connection that belongs to the pool/ }],
  },
  {
    name: 'end() on a client from a pool.connect callback',
    fileName: 'legacy-end.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

pool.connect((err, client) => {
  if (err) throw err;
  client.query('SELECT 1', () => client.end());
});
`,
    errors: [{ line: 7, column: 34, message: /^client\.end\(\) closes a connection that belongs to the pool/ }],
  },
  {
    name: 'a release helper called twice',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function stats(verbose: boolean) {
  const client = await pool.connect();
  const cleanup = () => client.release();
  try {
    const { rows } = await client.query('SELECT * FROM stats');
    if (verbose) cleanup();
    return rows;
  } finally {
    cleanup();
  }
}
`,
    errors: [{ line: 13, column: 5, message: /^cleanup\(\) runs again/, related: [{ line: 10, column: 18, message: FIRST }] }],
  },
  {
    name: 'release in catch and in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    client.release(err as Error);
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [{ line: 17, column: 5, message: AGAIN, related: [{ line: 14, column: 5, message: FIRST }] }],
  },
  {
    name: 'release in try, in catch and in finally: the finally one stays',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function latestPosts(limit: number) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM posts ORDER BY created_at DESC LIMIT $1', [limit]);
    client.release();
    return rows;
  } catch (err) {
    client.release();
    console.error('latestPosts failed', err);
    return [];
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 16,
        column: 5,
        message: AGAIN,
        related: [{ line: 12, column: 5, message: FIRST }],
        fixes: [
          {
            title: KEEP_FINALLY,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function latestPosts(limit: number) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM posts ORDER BY created_at DESC LIMIT $1', [limit]);
    return rows;
  } catch (err) {
    console.error('latestPosts failed', err);
    return [];
  } finally {
    client.release();
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'an early return that releases inside the try, and the finally (JavaScript, double quotes)',
    fileName: 'sessions.js',
    code: `const { Pool } = require("pg");

const pool = new Pool();

async function findSession(token) {
  const conn = await pool.connect();
  try {
    const { rows } = await conn.query("SELECT * FROM sessions WHERE token = $1", [token]);
    if (rows.length === 0) {
      conn.release();
      return null;
    }
    return rows[0];
  } finally {
    conn.release();
  }
}

module.exports = { findSession };
`,
    errors: [
      {
        line: 15,
        column: 5,
        message: /^conn\.release\(\) runs again/,
        related: [{ line: 10, column: 7, message: FIRST }],
        fixes: [
          {
            title: KEEP_FINALLY,
            output: `const { Pool } = require("pg");

const pool = new Pool();

async function findSession(token) {
  const conn = await pool.connect();
  try {
    const { rows } = await conn.query("SELECT * FROM sessions WHERE token = $1", [token]);
    if (rows.length === 0) {
      return null;
    }
    return rows[0];
  } finally {
    conn.release();
  }
}

module.exports = { findSession };
`,
          },
        ],
      },
    ],
  },
  {
    name: 'released, logged, released again: the second release goes',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function countOrders(logger: { info(message: string): void }) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT count(*) AS n FROM orders');
  client.release();
  logger.info(\`counted \${rows[0].n} orders\`);
  client.release();
  return Number(rows[0].n);
}
`,
    errors: [
      {
        line: 10,
        column: 3,
        message: AGAIN,
        related: [{ line: 8, column: 3, message: FIRST }],
        fixes: [
          {
            title: 'Remove the second client.release()',
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function countOrders(logger: { info(message: string): void }) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT count(*) AS n FROM orders');
  client.release();
  logger.info(\`counted \${rows[0].n} orders\`);
  return Number(rows[0].n);
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'release(true) in the try and release() in finally: no fix, the try discards the client on purpose',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function resetSession(id: number) {
  const client = await pool.connect();
  try {
    await client.query('SET search_path TO tenant_' + id);
    await client.query('DELETE FROM carts WHERE stale');
    client.release(true);
  } finally {
    client.release();
  }
}
`,
    errors: [{ line: 12, column: 5, message: AGAIN, related: [{ line: 10, column: 5, message: FIRST }] }],
  },
  {
    name: 'release in a switch case falling through to another release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function act(kind: 'a' | 'b') {
  const client = await pool.connect();
  switch (kind) {
    case 'a':
      client.release();
    default:
      client.release(true);
  }
}
`,
    errors: [{ line: 11, column: 7, message: AGAIN, related: [{ line: 9, column: 7, message: FIRST }] }],
  },
];

runRuleTests(rule, { valid, invalid });
