import rule from '../../../src/core/rules/missing-rollback';
import { runRuleTests, type RuleCases } from '../ruleTester';

const NO_ROLLBACK = /^The transaction begun with \w+\.query\(\) is not rolled back when a statement in it fails/;
const FIX_TITLE = 'Roll back in the catch block';

const valid: RuleCases['valid'] = [
  {
    name: 'ROLLBACK in catch, release in finally',
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
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'BEGIN before the try, ROLLBACK in its catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function archive(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('INSERT INTO posts_archive SELECT * FROM posts WHERE id = $1', [id]);
      await client.query('DELETE FROM posts WHERE id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'release(err) in catch discards the broken client',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function createUser(email: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
    await client.query('COMMIT');
    client.release();
    return rows[0].id;
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
}
`,
  },
  {
    name: 'release(true) in finally when something failed',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function publish(id: number) {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query('UPDATE posts SET published = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.release(failed);
  }
}
`,
  },
  {
    name: 'START TRANSACTION with ROLLBACK in the catch (JavaScript)',
    fileName: 'orders.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function placeOrder(userId, total) {
  const client = await pool.connect();
  try {
    await client.query("START TRANSACTION");
    await client.query("INSERT INTO orders (user_id, total) VALUES ($1, $2)", [userId, total]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  } finally {
    client.release();
  }
}

module.exports = { placeOrder };
`,
  },
  {
    name: 'a rollback helper given the client',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

async function rollbackQuietly(client: PoolClient) {
  await client.query('ROLLBACK').catch(() => undefined);
}

export async function importItems(items: string[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const item of items) await client.query('INSERT INTO items (name) VALUES ($1)', [item]);
    await client.query('COMMIT');
  } catch (err) {
    await rollbackQuietly(client);
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'ROLLBACK in a nested if inside the catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function save(id: number, body: string) {
  const client = await pool.connect();
  let begun = false;
  try {
    await client.query('BEGIN');
    begun = true;
    await client.query('UPDATE notes SET body = $2 WHERE id = $1', [id, body]);
    await client.query('COMMIT');
  } catch (err) {
    if (begun) {
      await client.query('ROLLBACK');
    }
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'a helper that receives the client and has no try of its own',
    code: `import type { PoolClient } from 'pg';

export async function insertOrder(client: PoolClient, total: number) {
  await client.query('BEGIN');
  await client.query('INSERT INTO orders (total) VALUES ($1)', [total]);
  await client.query('COMMIT');
}
`,
  },
  {
    name: 'BEGIN through the pool is transaction-on-pool\'s business',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function begin() {
  try {
    await pool.query('BEGIN');
  } finally {
    await pool.query('COMMIT');
  }
}
`,
  },
  {
    name: 'a standalone Client ended in finally',
    code: `import { Client } from 'pg';

export async function migrate() {
  const client = new Client();
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TABLE IF NOT EXISTS posts (id serial PRIMARY KEY)');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
`,
  },
  {
    name: 'ABORT in the catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function reset(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ABORT');
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'an outer try rolls back',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function sync(rows: string[]) {
  const client = await pool.connect();
  try {
    try {
      await client.query('BEGIN');
      for (const row of rows) await client.query('INSERT INTO mirror (v) VALUES ($1)', [row]);
      await client.query('COMMIT');
    } finally {
      console.log('sync attempt finished');
    }
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'a ROLLBACK whose failure is swallowed, then release(err)',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function rename(id: number, name: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err as Error);
    throw err;
  }
}
`,
  },
  {
    name: 'a failing ROLLBACK discards the client in its own catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function restock(sku: string, count: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE stock SET count = count + $2 WHERE sku = $1', [sku, count]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (rollbackError) {
      client.release(rollbackError as Error);
    }
    throw err;
  }
}
`,
  },
  {
    name: 'a ROLLBACK whose failure is logged and rethrown, release in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function settle(invoice: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE invoices SET settled = true WHERE id = $1', [invoice]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError) => {
      console.error('rollback failed', rollbackError);
      throw rollbackError;
    });
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'a BEGIN inside a template literal query',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function touch(id: number) {
  const client = await pool.connect();
  try {
    await client.query(\`BEGIN\`);
    await client.query('UPDATE users SET touched_at = now() WHERE id = $1', [id]);
    await client.query(\`COMMIT\`);
  } catch (err) {
    await client.query(\`ROLLBACK\`);
    throw err;
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'a SELECT on a client in a try without rollback is no transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function read(id: number) {
  const client = await pool.connect();
  try {
    return (await client.query('SELECT * FROM users WHERE id = $1', [id])).rows[0];
  } catch (err) {
    console.error(err);
    return undefined;
  } finally {
    client.release();
  }
}
`,
  },
];

const invalid: RuleCases['invalid'] = [
  {
    name: 'catch logs and rethrows without ROLLBACK',
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
    console.error('transfer failed', err);
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        endColumn: 32,
        message:
          'The transaction begun with client.query() is not rolled back when a statement in it fails: the client goes back to the pool inside an aborted transaction. Send ROLLBACK in the catch, or release it with client.release(err) so the pool discards it.',
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

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
    console.error('transfer failed', err);
    throw err;
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
    name: 'try/finally with no catch: a catch that rolls back and rethrows is added',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function publish(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE posts SET published = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function publish(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE posts SET published = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
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
    name: 'BEGIN before the try, catch swallows the error (four-space JavaScript)',
    fileName: 'orders.js',
    code: `const { Pool } = require("pg");

const pool = new Pool();

async function placeOrder(userId, total) {
    const client = await pool.connect();
    await client.query("BEGIN");
    try {
        await client.query("INSERT INTO orders (user_id, total) VALUES ($1, $2)", [userId, total]);
        await client.query("COMMIT");
    } catch (e) {
        console.error(e);
    } finally {
        client.release();
    }
}

module.exports = { placeOrder };
`,
    errors: [
      {
        line: 7,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `const { Pool } = require("pg");

const pool = new Pool();

async function placeOrder(userId, total) {
    const client = await pool.connect();
    await client.query("BEGIN");
    try {
        await client.query("INSERT INTO orders (user_id, total) VALUES ($1, $2)", [userId, total]);
        await client.query("COMMIT");
    } catch (e) {
        await client.query("ROLLBACK");
        console.error(e);
    } finally {
        client.release();
    }
}

module.exports = { placeOrder };
`,
          },
        ],
      },
    ],
  },
  {
    name: 'empty catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function bestEffort(id: number) {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('UPDATE stats SET hits = hits + 1 WHERE id = $1', [id]);
    await tx.query('COMMIT');
  } catch {
  } finally {
    tx.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: /^The transaction begun with tx\.query\(\)/,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function bestEffort(id: number) {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('UPDATE stats SET hits = hits + 1 WHERE id = $1', [id]);
    await tx.query('COMMIT');
  } catch {
    await tx.query('ROLLBACK');
  } finally {
    tx.release();
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'catch releases without an error, no finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function createUser(email: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
    await client.query('COMMIT');
    client.release();
    return rows[0].id;
  } catch (err) {
    client.release();
    throw err;
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function createUser(email: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
    await client.query('COMMIT');
    client.release();
    return rows[0].id;
  } catch (err) {
    await client.query('ROLLBACK');
    client.release();
    throw err;
  }
}
`,
          },
          {
            title: 'Discard the client with client.release(err)',
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function createUser(email: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
    await client.query('COMMIT');
    client.release();
    return rows[0].id;
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'ROLLBACK then release in the catch with no finally: a failing ROLLBACK skips the release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function rename(id: number, name: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK');
    client.release();
    throw err;
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message:
          'If the ROLLBACK on line 13 fails (say the connection broke), the catch never reaches client.release() and the client leaks: release it in a finally block.',
        related: [{ line: 14, column: 5, message: 'Skipped when the ROLLBACK throws.' }],
      },
    ],
  },
  {
    name: 'a ROLLBACK whose failure is swallowed by .catch, then release() in the catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function rename(id: number, name: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw err;
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message:
          'If the ROLLBACK on line 13 fails, its error is swallowed and client.release() returns the client to the pool without knowing the transaction may still be open: pass the error, client.release(err), so the pool discards the client.',
        related: [{ line: 14, column: 5, message: 'Released without the error here.' }],
        fixes: [
          {
            title: 'Discard the client with client.release(err)',
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function rename(id: number, name: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err as Error);
    throw err;
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'a ROLLBACK in a try/catch that only logs, then release() in the finally: flagged, no fix',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function archive(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE posts SET archived = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      console.error('rollback failed', rollbackError);
    }
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: /^If the ROLLBACK on line 13 fails, its error is swallowed and client\.release\(\)/,
        related: [{ line: 19, column: 5, message: 'Released without the error here.' }],
      },
    ],
  },
  {
    name: 'a rollback failure passed to console.error, then release() in the catch (JavaScript)',
    fileName: 'jobs.js',
    code: `const { Pool } = require("pg");

const pool = new Pool();

async function claimJob(id) {
  const conn = await pool.connect();
  try {
    await conn.query("BEGIN");
    await conn.query("UPDATE jobs SET claimed_at = now() WHERE id = $1", [id]);
    await conn.query("COMMIT");
    conn.release();
  } catch (e) {
    await conn.query("ROLLBACK").catch(console.error);
    conn.release();
    throw e;
  }
}

module.exports = { claimJob };
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: /^If the ROLLBACK on line 13 fails, its error is swallowed and conn\.release\(\)/,
        related: [{ line: 14, column: 5 }],
        fixes: [
          {
            title: 'Discard the client with conn.release(e)',
            output: `const { Pool } = require("pg");

const pool = new Pool();

async function claimJob(id) {
  const conn = await pool.connect();
  try {
    await conn.query("BEGIN");
    await conn.query("UPDATE jobs SET claimed_at = now() WHERE id = $1", [id]);
    await conn.query("COMMIT");
    conn.release();
  } catch (e) {
    await conn.query("ROLLBACK").catch(console.error);
    conn.release(e);
    throw e;
  }
}

module.exports = { claimJob };
`,
          },
        ],
      },
    ],
  },
  {
    name: 'a ROLLBACK in a try/catch that rethrows, then release() in the catch: a failing ROLLBACK skips the release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function refund(order: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE orders SET refunded = true WHERE id = $1', [order]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      throw new AggregateError([err, rollbackError], 'refund and its rollback failed');
    }
    client.release();
    throw err;
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: /^If the ROLLBACK on line 14 fails \(say the connection broke\), the catch never reaches client\.release\(\)/,
        related: [{ line: 18, column: 5, message: 'Skipped when the ROLLBACK throws.' }],
      },
    ],
  },
  {
    name: 'savepoint rollback only rolls back to the savepoint',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importBatch(rows: string[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SAVEPOINT batch');
    for (const row of rows) await client.query('INSERT INTO items (name) VALUES ($1)', [row]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT batch');
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function importBatch(rows: string[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SAVEPOINT batch');
    for (const row of rows) await client.query('INSERT INTO items (name) VALUES ($1)', [row]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    await client.query('ROLLBACK TO SAVEPOINT batch');
    throw err;
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
    name: 'release(false) does not discard the client',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function mark(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE jobs SET done = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } finally {
    client.release(false);
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function mark(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE jobs SET done = true WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release(false);
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'an async .then callback',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function touchAll() {
  return pool.connect().then(async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('UPDATE users SET touched_at = now()');
      await client.query('COMMIT');
    } catch (err) {
      console.error(err);
    } finally {
      client.release();
    }
  });
}
`,
    errors: [
      {
        line: 8,
        column: 13,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export function touchAll() {
  return pool.connect().then(async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('UPDATE users SET touched_at = now()');
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      console.error(err);
    } finally {
      client.release();
    }
  });
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'callback style transaction: flagged, no fix',
    fileName: 'legacy.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

function transfer(done) {
  pool.connect((err, client, release) => {
    if (err) return done(err);
    try {
      client.query('BEGIN');
      client.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
      client.query('COMMIT', () => {
        release();
        done();
      });
    } catch (e) {
      release();
      done(e);
    }
  });
}

module.exports = { transfer };
`,
    errors: [{ line: 9, column: 7, message: NO_ROLLBACK }],
  },
  {
    name: '{ text: "BEGIN" } with a catch that only logs',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function rebuild() {
  const client = await pool.connect();
  try {
    await client.query({ text: 'BEGIN' });
    await client.query('TRUNCATE search_index');
    await client.query('INSERT INTO search_index SELECT id, to_tsvector(body) FROM posts');
    await client.query({ text: 'COMMIT' });
  } catch (err) {
    console.error('rebuild failed', err);
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function rebuild() {
  const client = await pool.connect();
  try {
    await client.query({ text: 'BEGIN' });
    await client.query('TRUNCATE search_index');
    await client.query('INSERT INTO search_index SELECT id, to_tsvector(body) FROM posts');
    await client.query({ text: 'COMMIT' });
  } catch (err) {
    await client.query('ROLLBACK');
    console.error('rebuild failed', err);
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
    name: 'a class method with a transaction on this.pool',
    code: `import { Pool } from 'pg';

export class Accounts {
  constructor(private readonly pool: Pool) {}

  async close(id: number) {
    const conn = await this.pool.connect();
    try {
      await conn.query('BEGIN');
      await conn.query('UPDATE accounts SET closed = true WHERE id = $1', [id]);
      await conn.query('COMMIT');
    } catch (error) {
      throw new Error(\`closing account \${id} failed: \${String(error)}\`);
    } finally {
      conn.release();
    }
  }
}
`,
    errors: [
      {
        line: 9,
        column: 13,
        message: /^The transaction begun with conn\.query\(\)/,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

export class Accounts {
  constructor(private readonly pool: Pool) {}

  async close(id: number) {
    const conn = await this.pool.connect();
    try {
      await conn.query('BEGIN');
      await conn.query('UPDATE accounts SET closed = true WHERE id = $1', [id]);
      await conn.query('COMMIT');
    } catch (error) {
      await conn.query('ROLLBACK');
      throw new Error(\`closing account \${id} failed: \${String(error)}\`);
    } finally {
      conn.release();
    }
  }
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'two transactions in one function, only the second rolls back',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function twoSteps(id: number) {
  const client = await pool.connect();
  try {
    try {
      await client.query('BEGIN');
      await client.query('UPDATE a SET n = n + 1 WHERE id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      console.warn('step one failed', err);
    }
    try {
      await client.query('BEGIN');
      await client.query('UPDATE b SET n = n + 1 WHERE id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 9,
        column: 13,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function twoSteps(id: number) {
  const client = await pool.connect();
  try {
    try {
      await client.query('BEGIN');
      await client.query('UPDATE a SET n = n + 1 WHERE id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      console.warn('step one failed', err);
    }
    try {
      await client.query('BEGIN');
      await client.query('UPDATE b SET n = n + 1 WHERE id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
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
    name: 'tab-indented catch that returns a result object',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function tryReserve(seat: number) {
\tconst client = await pool.connect();
\ttry {
\t\tawait client.query('BEGIN');
\t\tawait client.query('UPDATE seats SET taken = true WHERE id = $1 AND NOT taken', [seat]);
\t\tawait client.query('COMMIT');
\t\treturn { ok: true };
\t} catch (err) {
\t\treturn { ok: false, reason: String(err) };
\t} finally {
\t\tclient.release();
\t}
}
`,
    errors: [
      {
        line: 8,
        column: 9,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function tryReserve(seat: number) {
\tconst client = await pool.connect();
\ttry {
\t\tawait client.query('BEGIN');
\t\tawait client.query('UPDATE seats SET taken = true WHERE id = $1 AND NOT taken', [seat]);
\t\tawait client.query('COMMIT');
\t\treturn { ok: true };
\t} catch (err) {
\t\tawait client.query('ROLLBACK');
\t\treturn { ok: false, reason: String(err) };
\t} finally {
\t\tclient.release();
\t}
}
`,
          },
        ],
      },
    ],
  },
  {
    name: 'a ROLLBACK through the pool does not roll back the client\'s transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function cancelOrder(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE orders SET status = $2 WHERE id = $1', [id, 'cancelled']);
    await client.query('COMMIT');
  } catch (err) {
    await pool.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 8,
        column: 11,
        message: NO_ROLLBACK,
        fixes: [
          {
            title: FIX_TITLE,
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function cancelOrder(id: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE orders SET status = $2 WHERE id = $1', [id, 'cancelled']);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    await pool.query('ROLLBACK');
    throw err;
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
];

runRuleTests(rule, { valid, invalid });
