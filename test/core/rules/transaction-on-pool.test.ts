import rule from '../../../src/core/rules/transaction-on-pool';
import { runRuleTests, type RuleCases } from '../ruleTester';

const TRANSACTION = /runs on whichever pooled connection is free/;
const SESSION = /changes only the pooled connection that happens to run it/;

const valid: RuleCases['valid'] = [
  {
    name: 'transaction on a checked-out client',
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
    name: 'plain queries through the pool',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function listPosts(limit: number) {
  const { rows } = await pool.query('SELECT id, title FROM posts ORDER BY created_at DESC LIMIT $1', [limit]);
  return rows;
}
`,
  },
  {
    name: 'one text that opens and closes its own transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function archive() {
  await pool.query(\`
    BEGIN;
    INSERT INTO posts_archive SELECT * FROM posts WHERE created_at < now() - interval '1 year';
    DELETE FROM posts WHERE created_at < now() - interval '1 year';
    COMMIT;
  \`);
}
`,
  },
  {
    name: 'SET LOCAL inside a client transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function report(tenant: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL statement_timeout = 5000');
    const { rows } = await client.query('SELECT * FROM big_report WHERE tenant = $1', [tenant]);
    await client.query('COMMIT');
    return rows;
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
    name: 'session settings in the pool connect handler',
    code: `import { Pool } from 'pg';

export const pool = new Pool();

pool.on('connect', (client) => {
  client.query("SET search_path TO app, public");
});
`,
  },
  {
    name: 'LISTEN on a dedicated client',
    fileName: 'notifications.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function subscribe(onMessage) {
  const client = await pool.connect();
  client.on('notification', onMessage);
  await client.query('LISTEN order_events');
  return client;
}

module.exports = { subscribe };
`,
  },
  {
    name: 'the words appear only inside string values',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function logAction(action: string) {
  await pool.query("INSERT INTO audit (action, note) VALUES ($1, 'BEGIN; SET role admin')", [action]);
}
`,
  },
  {
    name: 'a comment before a SELECT',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function count() {
  const { rows } = await pool.query(\`
    -- BEGIN is not needed for a single read
    SELECT count(*) FROM users
  \`);
  return rows[0].count;
}
`,
  },
  {
    name: 'query text built at run time is not guessed at',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function run(sql: string) {
  return pool.query(sql);
}
`,
  },
  {
    name: 'an UPDATE that sets a column',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function rename(id: number, name: string) {
  await pool.query({ text: 'UPDATE users SET name = $2 WHERE id = $1', values: [id, name] });
}
`,
  },
  {
    name: 'pool.query after the client transaction has committed',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function placeOrder(userId: number, total: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO orders (user_id, total) VALUES ($1, $2)', [userId, total]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  await pool.query('UPDATE users SET last_order_at = now() WHERE id = $1', [userId]);
}
`,
  },
  {
    name: 'pool.query in another function than the client transaction',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

async function insertOrder(client: PoolClient, total: number) {
  await client.query('BEGIN');
  await client.query('INSERT INTO orders (total) VALUES ($1)', [total]);
}

export async function stats() {
  return pool.query('SELECT count(*) FROM orders');
}

export { insertOrder };
`,
  },
  {
    name: 'COMMIT PREPARED finishes a two-phase transaction from any session',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function finish(gid: string) {
  await pool.query(\`COMMIT PREPARED 'order-42'\`);
  return gid;
}
`,
  },
  {
    name: 'transaction on a standalone Client',
    code: `import { Client } from 'pg';

export async function migrate() {
  const client = new Client();
  await client.connect();
  await client.query('BEGIN');
  await client.query('CREATE TABLE IF NOT EXISTS posts (id serial PRIMARY KEY)');
  await client.query('COMMIT');
  await client.end();
}
`,
  },
  {
    name: 'SET TRANSACTION inside a text that opens its own transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function snapshot() {
  await pool.query('BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT 1; COMMIT');
}
`,
  },
  {
    name: 'a cursor declared inside the text\'s own transaction',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function touch() {
  await pool.query('BEGIN; DECLARE c CURSOR FOR SELECT 1; CLOSE c; COMMIT;');
}
`,
  },
];

const invalid: RuleCases['invalid'] = [
  {
    name: 'BEGIN … COMMIT through the pool, rewritten to a checked-out client',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  await pool.query('BEGIN');
  await pool.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await pool.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  await pool.query('COMMIT');
}
`,
    errors: [
      {
        line: 6,
        column: 9,
        endColumn: 28,
        message:
          "BEGIN through pool.query() runs on whichever pooled connection is free; the transaction's other statements can run on other connections. Check out one client with pool.connect() for the whole transaction.",
        fixes: [
          {
            title: 'Run the transaction on one client from pool.connect()',
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
    throw err;
  } finally {
    client.release();
  }
}
`,
          },
        ],
      },
      { line: 9, column: 9, message: /^COMMIT through pool\.query\(\)/ },
    ],
  },
  {
    name: 'fix keeps a multi-line template literal as it is and keeps statements before and after',
    fileName: 'orders.js',
    code: `const { Pool } = require('pg');

const db = new Pool();

async function placeOrder(userId, items) {
    const total = items.reduce((sum, item) => sum + item.price, 0);
    await db.query("START TRANSACTION");
    await db.query(\`
        INSERT INTO orders (user_id, total)
        VALUES ($1, $2)
    \`, [userId, total]);
    await db.query("COMMIT");
    return total;
}

module.exports = { placeOrder };
`,
    errors: [
      {
        line: 7,
        column: 11,
        message: /^START TRANSACTION through db\.query\(\)/,
        fixes: [
          {
            title: 'Run the transaction on one client from db.connect()',
            output: `const { Pool } = require('pg');

const db = new Pool();

async function placeOrder(userId, items) {
    const total = items.reduce((sum, item) => sum + item.price, 0);
    const client = await db.connect();
    try {
        await client.query("START TRANSACTION");
        await client.query(\`
        INSERT INTO orders (user_id, total)
        VALUES ($1, $2)
    \`, [userId, total]);
        await client.query("COMMIT");
    } catch (err) {
        await client.query("ROLLBACK");
        throw err;
    } finally {
        client.release();
    }
    return total;
}

module.exports = { placeOrder };
`,
          },
        ],
      },
      { line: 12, column: 11, message: /^COMMIT through db\.query\(\)/ },
    ],
  },
  {
    name: 'no fix when a value declared inside the transaction is used after it',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function createUser(email: string) {
  await pool.query('BEGIN');
  const { rows } = await pool.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [email]);
  await pool.query('INSERT INTO profiles (user_id) VALUES ($1)', [rows[0].id]);
  await pool.query('COMMIT');
  return rows[0].id;
}
`,
    errors: [
      { line: 6, column: 9, message: TRANSACTION },
      { line: 9, column: 9, message: TRANSACTION },
    ],
  },
  {
    name: 'try/catch with ROLLBACK through the pool: flagged, no fix',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function publish(postId: number) {
  try {
    await pool.query('BEGIN');
    await pool.query('UPDATE posts SET published = true WHERE id = $1', [postId]);
    await pool.query('COMMIT');
  } catch (err) {
    await pool.query('ROLLBACK');
    throw err;
  }
}
`,
    errors: [
      { line: 7, column: 11, message: /^BEGIN through pool\.query\(\)/ },
      { line: 9, column: 11, message: /^COMMIT through pool\.query\(\)/ },
      { line: 11, column: 11, message: /^ROLLBACK through pool\.query\(\)/ },
    ],
  },
  {
    name: '{ text: "BEGIN" } object form',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function begin() {
  await pool.query({ text: 'BEGIN' });
}
`,
    errors: [{ line: 6, column: 9, message: /^BEGIN through pool\.query\(\)/ }],
  },
  {
    name: 'template literal without expressions',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function savepoint() {
  await pool.query(\`SAVEPOINT before_import\`);
}
`,
    errors: [{ line: 6, column: 9, message: /^SAVEPOINT through pool\.query\(\)/ }],
  },
  {
    name: 'RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importRows(ok: boolean) {
  if (ok) await pool.query('RELEASE SAVEPOINT before_import');
  else await pool.query('ROLLBACK TO SAVEPOINT before_import');
}
`,
    errors: [
      { line: 6, column: 17, message: /^RELEASE SAVEPOINT through pool\.query\(\)/ },
      { line: 7, column: 14, message: /^ROLLBACK TO SAVEPOINT through pool\.query\(\)/ },
    ],
  },
  {
    name: 'SET search_path through the pool',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function useTenant(schema: string) {
  await pool.query(\`SET search_path TO \${schema}, public\`);
  await pool.query('SET search_path TO tenant_a, public');
}
`,
    errors: [
      { line: 6, column: 9, message: /^SET through pool\.query\(\)/ },
      {
        line: 7,
        column: 9,
        message:
          "SET through pool.query() changes only the pooled connection that happens to run it, and the change stays with that connection for whoever uses it next. Run it on a checked-out client (or in the pool's connect handler for every connection).",
      },
    ],
  },
  {
    name: 'SET SESSION statement_timeout in a request handler',
    code: `import express from 'express';
import { Pool } from 'pg';

const pool = new Pool();
const app = express();

app.get('/report', async (_req, res) => {
  await pool.query('SET SESSION statement_timeout = 60000');
  const { rows } = await pool.query('SELECT * FROM monthly_report');
  res.json(rows);
});
`,
    errors: [{ line: 8, column: 9, message: SESSION }],
  },
  {
    name: 'LISTEN through the pool',
    fileName: 'events.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function start() {
  await pool.query('LISTEN order_events');
}

module.exports = { start };
`,
    errors: [{ line: 6, column: 9, message: /^LISTEN through pool\.query\(\)/ }],
  },
  {
    name: 'PREPARE through the pool',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function prepare() {
  await pool.query('PREPARE find_user (int) AS SELECT * FROM users WHERE id = $1');
  return pool.query('EXECUTE find_user(1)');
}
`,
    errors: [{ line: 6, column: 9, message: /^PREPARE through pool\.query\(\)/ }],
  },
  {
    name: 'DECLARE … CURSOR WITH HOLD through the pool',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function openCursor() {
  await pool.query('DECLARE export_cursor CURSOR WITH HOLD FOR SELECT * FROM events');
}
`,
    errors: [{ line: 6, column: 9, message: /^DECLARE … CURSOR through pool\.query\(\)/ }],
  },
  {
    name: 'a text that opens a transaction and leaves it open',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function lockUser(id: number) {
  await pool.query('BEGIN; SELECT * FROM users WHERE id = 1 FOR UPDATE');
  return id;
}
`,
    errors: [{ line: 6, column: 9, message: /^BEGIN through pool\.query\(\)/ }],
  },
  {
    name: 'a SET inside a text with its own transaction still outlives it',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function migrate() {
  await pool.query("BEGIN; SET timezone = 'UTC'; UPDATE events SET at = at; COMMIT;");
}
`,
    errors: [{ line: 6, column: 9, message: /^SET through pool\.query\(\)/ }],
  },
  {
    name: 'pool.query inside a client transaction, with a fix to use the client',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function placeOrder(userId: number, total: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO orders (user_id, total) VALUES ($1, $2)', [userId, total]);
    await pool.query('UPDATE users SET balance = balance - $2 WHERE id = $1', [userId, total]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 10,
        column: 11,
        message: 'pool.query() runs on another connection, outside the transaction begun with client.query() on line 8: use client.query() to take part in it.',
        related: [{ line: 8, column: 11, message: 'The transaction begins here, on its own connection.' }],
        fixes: [
          {
            title: 'Run it on client',
            output: `import { Pool } from 'pg';

const pool = new Pool();

export async function placeOrder(userId: number, total: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO orders (user_id, total) VALUES ($1, $2)', [userId, total]);
    await client.query('UPDATE users SET balance = balance - $2 WHERE id = $1', [userId, total]);
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
    name: 'pool.query in a map callback inside a client transaction',
    fileName: 'import.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function importTags(postId, tags) {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('DELETE FROM post_tags WHERE post_id = $1', [postId]);
    await Promise.all(tags.map((tag) => pool.query('INSERT INTO post_tags (post_id, tag) VALUES ($1, $2)', [postId, tag])));
    await tx.query('COMMIT');
  } catch (err) {
    await tx.query('ROLLBACK');
    throw err;
  } finally {
    tx.release();
  }
}

module.exports = { importTags };
`,
    errors: [
      {
        line: 10,
        column: 41,
        message: /^pool\.query\(\) runs on another connection, outside the transaction begun with tx\.query\(\) on line 8/,
        fixes: [
          {
            title: 'Run it on tx',
            output: `const { Pool } = require('pg');

const pool = new Pool();

async function importTags(postId, tags) {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    await tx.query('DELETE FROM post_tags WHERE post_id = $1', [postId]);
    await Promise.all(tags.map((tag) => tx.query('INSERT INTO post_tags (post_id, tag) VALUES ($1, $2)', [postId, tag])));
    await tx.query('COMMIT');
  } catch (err) {
    await tx.query('ROLLBACK');
    throw err;
  } finally {
    tx.release();
  }
}

module.exports = { importTags };
`,
          },
        ],
      },
    ],
  },
  {
    name: 'ROLLBACK through this.pool in a class',
    code: `import { Pool } from 'pg';

export class OrderRepository {
  private readonly pool = new Pool();

  async cancel() {
    await this.pool.query('ROLLBACK');
  }
}
`,
    errors: [{ line: 7, column: 11, message: /^ROLLBACK through this\.pool\.query\(\)/ }],
  },
  {
    name: 'END and ABORT are COMMIT and ROLLBACK',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function finish(ok: boolean) {
  if (ok) await pool.query('END');
  else await pool.query('ABORT');
}
`,
    errors: [
      { line: 6, column: 17, message: /^END through pool\.query\(\)/ },
      { line: 7, column: 14, message: /^ABORT through pool\.query\(\)/ },
    ],
  },
];

runRuleTests(rule, { valid, invalid });
