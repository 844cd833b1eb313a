import rule from '../../../src/core/rules/leaked-client';
import type { ProjectFacts } from '../../../src/core/project';
import { runRuleTests, type RuleCases } from '../ruleTester';

/** `src/db` exports a pool as its default export (what the workspace index would report). */
const dbModule: ProjectFacts = {
  poolExports: new Map([['src/db', new Set(['default'])]]),
  scriptFiles: new Set(),
  complete: true,
};

/** Every module was read and only `src/pg` exports a pool: `src/db` is something else. */
const otherModule: ProjectFacts = {
  poolExports: new Map([['src/pg', new Set(['pool'])]]),
  scriptFiles: new Set(),
  complete: true,
};

const valid: RuleCases['valid'] = [
  {
    name: 'release in finally',
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
    name: 'let client assigned inside try, client?.release() in finally',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function refresh() {
  let client: PoolClient | undefined;
  try {
    client = await pool.connect();
    await client.query('REFRESH MATERIALIZED VIEW stats');
  } finally {
    client?.release();
  }
}
`,
  },
  {
    name: 'if (client) client.release() in finally',
    fileName: 'refresh.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

async function refresh() {
  let client;
  try {
    client = await pool.connect();
    await client.query('REFRESH MATERIALIZED VIEW stats');
  } finally {
    if (client) client.release();
  }
}
`,
  },
  {
    name: 'transaction with rollback in catch and release(true) in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
  } catch (err) {
    broken = true;
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release(broken);
  }
}
`,
  },
  {
    name: 'release(true) in finally destroys the changed session: still a release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function slowReport() {
  const client = await pool.connect();
  try {
    await client.query("SET statement_timeout = '5s'");
    return (await client.query('SELECT * FROM slow_report')).rows;
  } finally {
    client.release(true);
  }
}
`,
  },
  {
    name: 'client returned to the caller',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function getClient(): Promise<PoolClient> {
  const client = await pool.connect();
  return client;
}
`,
  },
  {
    name: 'return await pool.connect()',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function checkout() {
  return await pool.connect();
}
`,
  },
  {
    name: 'client set up, released on failure, returned on success',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function clientFor(tenant: string) {
  const client = await pool.connect();
  try {
    await client.query('SELECT set_config($1, $2, false)', ['app.tenant', tenant]);
  } catch (err) {
    client.release();
    throw err;
  }
  return client;
}
`,
  },
  {
    name: 'client handed to a function that owns it',
    code: `import { Pool } from 'pg';
import { runInTransaction } from './tx';

const pool = new Pool();

export async function migrate() {
  const client = await pool.connect();
  return runInTransaction(client);
}
`,
  },
  {
    name: 'client stored on this',
    code: `import { Pool, type PoolClient } from 'pg';

export class Session {
  private client?: PoolClient;

  constructor(private readonly pool: Pool) {}

  async open() {
    this.client = await this.pool.connect();
  }
}
`,
  },
  {
    name: 'Express middleware stores the client in res.locals',
    fileName: 'middleware.js',
    code: `import pg from 'pg';

const pool = new pg.Pool();

export async function attachClient(req, res, next) {
  const client = await pool.connect();
  res.locals.client = client;
  next();
}
`,
  },
  {
    name: 'release handed on as a stored function',
    fileName: 'session.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

async function openSession(req) {
  const client = await pool.connect();
  req.db = { client, close: () => client.release() };
}

module.exports = { openSession };
`,
  },
  {
    name: 'pool.query one-shot',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function countUsers() {
  const { rows } = await pool.query('SELECT count(*) FROM users');
  return Number(rows[0].count);
}
`,
  },
  {
    name: '.finally(() => client.release()) on the chain',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function loadSettings() {
  return pool.connect().then((client) =>
    client.query('SELECT * FROM settings').finally(() => client.release()),
  );
}
`,
  },
  {
    name: '.then chain that releases on success and in its rejection handler',
    fileName: 'settings.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

function loadSettings() {
  return pool.connect().then((client) =>
    client.query('SELECT * FROM settings').then(
      (res) => {
        client.release();
        return res.rows;
      },
      (err) => {
        client.release();
        throw err;
      },
    ),
  );
}
`,
  },
  {
    name: 'release at the end of try and in catch with nothing that can throw before either',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function countPosts() {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT count(*) FROM posts');
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
    name: 'callback style: done() first in the query callback',
    fileName: 'legacy.js',
    code: `var pg = require('pg');
var pool = new pg.Pool();

pool.connect(function (err, client, done) {
  if (err) return console.error('could not connect', err);
  client.query('SELECT NOW()', function (err, result) {
    done();
    if (err) return console.error('query failed', err);
    console.log(result.rows[0]);
  });
});
`,
  },
  {
    name: 'callback style: client.release() instead of done',
    fileName: 'legacy2.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect((err, client) => {
  if (err) throw err;
  client.query('SELECT 1', (queryError, result) => {
    client.release();
    if (queryError) throw queryError;
    console.log(result.rows);
  });
});
`,
  },
  {
    name: 'callback style: async callback releasing in finally',
    fileName: 'worker.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect(async (err, client, done) => {
  if (err) return console.error(err);
  try {
    await client.query('LISTEN jobs');
  } finally {
    done();
  }
});
`,
  },
  {
    name: 'callback style: done handed on as the query callback',
    fileName: 'legacy3.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect((err, client, done) => {
  if (err) return console.error(err);
  client.query('VACUUM', done);
});
`,
  },
  {
    name: 'a checkout per loop iteration, released in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importRows(rows: Array<{ id: number; valid: boolean }>) {
  for (const row of rows) {
    if (!row.valid) continue;
    const client = await pool.connect();
    try {
      await client.query('INSERT INTO items (id) VALUES ($1)', [row.id]);
    } finally {
      client.release();
    }
  }
}
`,
  },
  {
    name: 'a local helper that releases, called in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function audit() {
  const client = await pool.connect();
  const done = () => client.release();
  try {
    await client.query('INSERT INTO audit DEFAULT VALUES');
  } finally {
    done();
  }
}
`,
  },
  {
    name: 'early return inside try with release in finally',
    fileName: 'routes/users.js',
    code: `import express from 'express';
import pg from 'pg';

const pool = new pg.Pool();
const router = express.Router();

router.get('/users/:id', async (req, res, next) => {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
    if (rows.length === 0) return res.status(404).json({ error: 'not found' });
    res.json(rows[0]);
  } catch (err) {
    next(err);
  } finally {
    client.release();
  }
});

export default router;
`,
  },
  {
    name: 'pool from let pool; pool = new Pool(), typed parameter pools',
    code: `import { Pool } from 'pg';

let pool;
pool = new Pool();

export async function ping(other: Pool) {
  const a = await pool.connect();
  try {
    await a.query('SELECT 1');
  } finally {
    a.release();
  }
  const b = await other.connect();
  try {
    await b.query('SELECT 1');
  } finally {
    b.release();
  }
}
`,
  },
  {
    name: 'suppressed with a reason',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function listen() {
  // pool-lens-disable-next-line leaked-client -- the listener keeps this client for the life of the process
  const client = await pool.connect();
  await client.query('LISTEN events');
  client.release();
}
`,
  },
  {
    name: 'project facts: ./db exports no pool, so db.connect() is not a pool checkout',
    fileName: 'src/routes/users.ts',
    project: otherModule,
    code: `import db from '../db';

export async function listUsers() {
  const client = await db.connect();
  const rows = await client.find({});
  return rows;
}
`,
  },
  {
    name: 'returned promise chain releases in .finally()',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function count() {
  const client = await pool.connect();
  return client.query('SELECT count(*) FROM users').finally(() => client.release());
}
`,
  },
  {
    name: 'async IIFE that releases in finally',
    fileName: 'scripts/seed.mjs',
    code: `import pg from 'pg';

const pool = new pg.Pool();

const client = await pool.connect();
await (async () => {
  try {
    await client.query('INSERT INTO users (name) VALUES ($1)', ['admin']);
  } finally {
    client.release();
  }
})();
await pool.end();
`,
  },
  {
    name: 'callback style inside a Promise wrapper, done(err) first',
    fileName: 'promisified.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

function query(text, params) {
  return new Promise((resolve, reject) => {
    pool.connect((err, client, done) => {
      if (err) return reject(err);
      client.query(text, params, (err, res) => {
        done(err);
        if (err) reject(err);
        else resolve(res.rows);
      });
    });
  });
}

module.exports = { query };
`,
  },
  {
    name: 'break out of a loop inside try/finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function insertUntilBlank(items: string[]) {
  const client = await pool.connect();
  try {
    for (const item of items) {
      if (!item) break;
      await client.query('INSERT INTO items (name) VALUES ($1)', [item]);
    }
  } finally {
    client.release();
  }
}
`,
  },
  {
    name: 'non-pg connect: mongoose, redis, MongoClient in a file that also uses pg',
    code: `import { Pool } from 'pg';
import mongoose from 'mongoose';
import { createClient } from 'redis';
import { MongoClient } from 'mongodb';

const pool = new Pool();
const redisClient = createClient();

export async function boot() {
  await mongoose.connect(process.env.MONGO_URL!);
  await redisClient.connect();
  const mongo = await MongoClient.connect('mongodb://localhost');
  const client = new MongoClient('mongodb://localhost');
  await client.connect();
  await pool.query('SELECT 1');
  return mongo;
}
`,
  },
  {
    name: 'non-pg connect: net socket, prisma, knex and sequelize',
    fileName: 'boot.js',
    code: `const net = require('node:net');
const { Pool } = require('pg');
const { PrismaClient } = require('@prisma/client');
const knex = require('knex')({ client: 'pg' });
const { Sequelize } = require('sequelize');

const pool = new Pool();
const prisma = new PrismaClient();
const sequelize = new Sequelize(process.env.DATABASE_URL);

async function boot() {
  const socket = net.connect(5432, 'localhost');
  socket.connect(5432, 'localhost');
  await prisma.$connect();
  await sequelize.authenticate();
  await sequelize.connectionManager.connect();
  await knex.client.acquireConnection();
  await pool.query('SELECT 1');
}

module.exports = boot;
`,
  },
  {
    name: 'non-pg connect: a mssql ConnectionPool named pool',
    code: `import { Pool } from 'pg';
import sql from 'mssql';

const pgPool = new Pool();
const pool = new sql.ConnectionPool('mssql://localhost');

export async function boot() {
  await pool.connect();
  await pgPool.query('SELECT 1');
}
`,
  },
];

const invalid: RuleCases['invalid'] = [
  {
    name: 'repository: awaited query between checkout and release, no try',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function findUser(id: string) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
  client.release();
  return rows[0];
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks if client.query() on line 7 throws: release it in a finally block.',
        related: [
          { line: 7, column: 26, message: 'Can throw here while the client is held.' },
          { line: 8, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

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
` },
          { title: 'Use pool.query() instead', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function findUser(id: string) {
  const { rows } = await pool.query('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0];
}
` },
        ],
      },
    ],
  },
  {
    name: 'release inside try but not in finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function listOrders(userId: number) {
  const client = await pool.connect();
  try {
    const result = await client.query('SELECT * FROM orders WHERE user_id = $1', [userId]);
    client.release();
    return result.rows;
  } catch (err) {
    console.error('listOrders failed', err);
    throw err;
  }
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks if client.query() on line 8 throws: release it in a finally block.',
        related: [
          { line: 8, column: 26, message: 'Can throw here while the client is held.' },
          { line: 9, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function listOrders(userId: number) {
  const client = await pool.connect();
  try {
    try {
      const result = await client.query('SELECT * FROM orders WHERE user_id = $1', [userId]);
      return result.rows;
    } catch (err) {
      console.error('listOrders failed', err);
      throw err;
    }
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'release only in catch',
    fileName: 'repo.js',
    code: `const { Pool } = require('pg');

const pool = new Pool();

async function countUsers() {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT count(*) FROM users');
    return Number(rows[0].count);
  } catch (err) {
    client.release();
    throw err;
  }
}

module.exports = { countUsers };
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks on the return on line 9: release it in a finally block.',
        related: [
          { line: 9, column: 5, message: 'Leaves here (return) while the client is held.' },
          { line: 11, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `const { Pool } = require('pg');

const pool = new Pool();

async function countUsers() {
  const client = await pool.connect();
  try {
    try {
      const { rows } = await client.query('SELECT count(*) FROM users');
      return Number(rows[0].count);
    } catch (err) {
      throw err;
    }
  } finally {
    client.release();
  }
}

module.exports = { countUsers };
` },
        ],
      },
    ],
  },
  {
    name: 'transaction: BEGIN awaited before the try',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  const client = await pool.connect();
  await client.query('BEGIN');
  try {
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
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks if client.query() on line 7 throws: release it in a finally block.',
        related: [
          { line: 7, column: 9, message: 'Can throw here while the client is held.' },
          { line: 16, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
      await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'early return before the try/finally',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function search(term?: string) {
  const client = await pool.connect();
  if (!term) return [];
  try {
    const { rows } = await client.query(\`
      SELECT id, title
      FROM posts
      WHERE title ILIKE $1
    \`, [\`%\${term}%\`]);
    return rows;
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks on the early return on line 7: release it in a finally block.',
        related: [
          { line: 7, column: 14, message: 'Leaves here (return) while the client is held.' },
          { line: 16, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function search(term?: string) {
  const client = await pool.connect();
  try {
    if (!term) return [];
    const { rows } = await client.query(\`
      SELECT id, title
      FROM posts
      WHERE title ILIKE $1
    \`, [\`%\${term}%\`]);
    return rows;
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'Express handler: early return inside the try skips the release',
    fileName: 'routes/users.js',
    code: `import express from 'express';
import pg from 'pg';

const pool = new pg.Pool();
const router = express.Router();

router.get('/users/:id', async (req, res, next) => {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
    if (rows.length === 0) {
      return res.status(404).json({ error: 'not found' });
    }
    client.release();
    res.json(rows[0]);
  } catch (err) {
    client.release();
    next(err);
  }
});

export default router;
`,
    errors: [
      {
        line: 8,
        column: 24,
        message: 'Client from pool.connect() leaks on the early return on line 12: release it in a finally block.',
        related: [
          { line: 12, column: 7, message: 'Leaves here (return) while the client is held.' },
          { line: 14, column: 5, message: 'Released here, but not on that path.' },
          { line: 17, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import express from 'express';
import pg from 'pg';

const pool = new pg.Pool();
const router = express.Router();

router.get('/users/:id', async (req, res, next) => {
  const client = await pool.connect();
  try {
    try {
      const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
      if (rows.length === 0) {
        return res.status(404).json({ error: 'not found' });
      }
      res.json(rows[0]);
    } catch (err) {
      next(err);
    }
  } finally {
    client.release();
  }
});

export default router;
` },
        ],
      },
    ],
  },
  {
    name: 'release only on one branch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function touch(id: number, dryRun: boolean) {
  const client = await pool.connect();
  const started = Date.now;
  if (!dryRun) {
    client.release();
  }
  return started;
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks when the condition on line 8 skips the release: release it in a finally block.',
        related: [
          { line: 8, column: 7, message: 'This condition can skip the release.' },
          { line: 9, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function touch(id: number, dryRun: boolean) {
  const client = await pool.connect();
  try {
    const started = Date.now;
    if (!dryRun) {
    }
    return started;
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'script: top-level checkout never released',
    fileName: 'scripts/report.mjs',
    code: `import pg from 'pg';

const pool = new pg.Pool();
const client = await pool.connect();
const { rows } = await client.query('SELECT count(*) FROM users');
console.log(rows[0].count);
await pool.end();
`,
    errors: [
      {
        line: 4,
        column: 22,
        message: 'Client from pool.connect() is never released: call client.release() in a finally block.',
        related: [],
      },
    ],
  },
  {
    name: 'discarded awaited checkout',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function warmUp() {
  await pool.connect();
}
`,
    errors: [
      {
        line: 6,
        column: 9,
        message: 'The client from this checkout is discarded and never released: use pool.query() for a single query.',
        related: [],
      },
    ],
  },
  {
    name: 'checkout used once and dropped',
    fileName: 'ping.js',
    code: `const pg = require('pg');

const pool = new pg.Pool();

async function ping() {
  const { rows } = await (await pool.connect()).query('SELECT 1 AS ok');
  return rows[0].ok === 1;
}

module.exports = ping;
`,
    errors: [
      {
        line: 6,
        column: 33,
        message: 'The client from this checkout is discarded and never released: use pool.query() for a single query.',
        related: [],
      },
    ],
  },
  {
    name: 'checkout promise dropped without await',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function prime() {
  pool.connect();
}
`,
    errors: [
      {
        line: 6,
        column: 3,
        message: 'The client from this checkout is discarded and never released: use pool.query() for a single query.',
        related: [],
      },
    ],
  },
  {
    name: 'callback style: done skipped on an early return in the query callback',
    fileName: 'legacy.js',
    code: `var pg = require('pg');
var pool = new pg.Pool();

pool.connect(function (err, client, done) {
  if (err) return console.error('could not connect', err);
  client.query('SELECT NOW()', function (err, result) {
    if (err) return console.error('query failed', err);
    done();
    console.log(result.rows[0]);
  });
});
`,
    errors: [
      {
        line: 4,
        column: 1,
        message: 'done() is not called on the early return on line 7, so the client from pool.connect() leaks.',
        related: [
          { line: 7, column: 14, message: 'Leaves here (return) while the client is held.' },
          { line: 8, column: 5, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'callback style: async callback whose query can throw before done',
    fileName: 'worker.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect(async (err, client, done) => {
  if (err) throw err;
  await client.query('LISTEN jobs');
  done();
});
`,
    errors: [
      {
        line: 4,
        column: 1,
        message: 'done() is not called if client.query() on line 6 throws, so the client from pool.connect() leaks.',
        related: [
          { line: 6, column: 9, message: 'Can throw here while the client is held.' },
          { line: 7, column: 3, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'callback style: done never called',
    fileName: 'legacy2.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect((err, client, done) => {
  if (err) return console.error(err);
  console.log('connected', client.processID);
});
`,
    errors: [
      {
        line: 4,
        column: 1,
        message: 'done() is never called, so the client from pool.connect() leaks.',
        related: [],
      },
    ],
  },
  {
    name: 'then chain releases only on success',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export function loadSettings() {
  return pool.connect().then((client) =>
    client.query('SELECT * FROM settings').then((res) => {
      client.release();
      return res.rows;
    }),
  );
}
`,
    errors: [
      {
        line: 6,
        column: 10,
        message: 'Client from pool.connect() leaks if client.query() on line 7 rejects: release it in a .finally() callback.',
        related: [
          { line: 7, column: 5, message: 'Can reject here while the client is held.' },
          { line: 8, column: 7, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'then chain never releases',
    fileName: 'chain.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

pool.connect().then((client) => {
  console.log('got client', client.processID);
});
`,
    errors: [
      {
        line: 4,
        column: 1,
        message: 'Client from pool.connect() is never released: call client.release() in a finally block.',
        related: [],
      },
    ],
  },
  {
    name: 'a log call between checkout and try can throw',
    code: `import { Pool } from 'pg';
import { logger } from './logger';

const pool = new Pool();

export async function archive(id: number) {
  const client = await pool.connect();
  logger.info('archiving', id);
  try {
    await client.query('UPDATE posts SET archived = true WHERE id = $1', [id]);
  } finally {
    client.release();
  }
}
`,
    errors: [
      {
        line: 7,
        column: 24,
        message: 'Client from pool.connect() leaks if logger.info() on line 8 throws: release it in a finally block.',
        related: [
          { line: 8, column: 3, message: 'Can throw here while the client is held.' },
          { line: 12, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';
import { logger } from './logger';

const pool = new Pool();

export async function archive(id: number) {
  const client = await pool.connect();
  try {
    logger.info('archiving', id);
    await client.query('UPDATE posts SET archived = true WHERE id = $1', [id]);
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'throw in a switch before the release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function runJob(kind: 'vacuum' | 'analyze' | string) {
  const client = await pool.connect();
  switch (kind) {
    case 'vacuum':
    case 'analyze':
      break;
    default:
      throw new Error(\`unknown job \${kind}\`);
  }
  client.release();
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks on the throw on line 12: release it in a finally block.',
        related: [
          { line: 12, column: 7, message: 'Leaves here (throw) while the client is held.' },
          { line: 14, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function runJob(kind: 'vacuum' | 'analyze' | string) {
  const client = await pool.connect();
  try {
    switch (kind) {
      case 'vacuum':
      case 'analyze':
        break;
      default:
        throw new Error(\`unknown job \${kind}\`);
    }
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'continue in a loop skips the release',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function importRows(rows: Array<{ id: number; valid: boolean }>) {
  for (const row of rows) {
    const client = await pool.connect();
    if (!row.valid) continue;
    try {
      await client.query('INSERT INTO items (id) VALUES ($1)', [row.id]);
    } finally {
      client.release();
    }
  }
}
`,
    errors: [
      {
        line: 7,
        column: 26,
        message: 'Client from pool.connect() is not released on every path: release it in a finally block.',
        related: [
          { line: 12, column: 7, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function importRows(rows: Array<{ id: number; valid: boolean }>) {
  for (const row of rows) {
    const client = await pool.connect();
    try {
      if (!row.valid) continue;
      await client.query('INSERT INTO items (id) VALUES ($1)', [row.id]);
    } finally {
      client.release();
    }
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'class repository on this.pool',
    code: `import { Pool } from 'pg';

export class PostRepository {
  constructor(private readonly pool: Pool) {}

  async byAuthor(authorId: number) {
    const client = await this.pool.connect();
    const { rows } = await client.query<{ id: number }>('SELECT id FROM posts WHERE author_id = $1', [authorId]);
    client.release();
    return rows;
  }
}
`,
    errors: [
      {
        line: 7,
        column: 26,
        message: 'Client from this.pool.connect() leaks if client.query() on line 8 throws: release it in a finally block.',
        related: [
          { line: 8, column: 28, message: 'Can throw here while the client is held.' },
          { line: 9, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

export class PostRepository {
  constructor(private readonly pool: Pool) {}

  async byAuthor(authorId: number) {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ id: number }>('SELECT id FROM posts WHERE author_id = $1', [authorId]);
      return rows;
    } finally {
      client.release();
    }
  }
}
` },
          { title: 'Use pool.query() instead', output: `import { Pool } from 'pg';

export class PostRepository {
  constructor(private readonly pool: Pool) {}

  async byAuthor(authorId: number) {
    const { rows } = await this.pool.query<{ id: number }>('SELECT id FROM posts WHERE author_id = $1', [authorId]);
    return rows;
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'CommonJS Express handler with require(pg).Pool',
    fileName: 'server.js',
    code: `const Pool = require('pg').Pool;
const pool = new Pool();

app.post('/notes', async (req, res) => {
  const client = await pool.connect();
  await client.query('INSERT INTO notes (body) VALUES ($1)', [req.body.text]);
  client.release();
  res.status(201).end();
});
`,
    errors: [
      {
        line: 5,
        column: 24,
        message: 'Client from pool.connect() leaks if client.query() on line 6 throws: release it in a finally block.',
        related: [
          { line: 6, column: 9, message: 'Can throw here while the client is held.' },
          { line: 7, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `const Pool = require('pg').Pool;
const pool = new Pool();

app.post('/notes', async (req, res) => {
  const client = await pool.connect();
  try {
    await client.query('INSERT INTO notes (body) VALUES ($1)', [req.body.text]);
    res.status(201).end();
  } finally {
    client.release();
  }
});
` },
          { title: 'Use pool.query() instead', output: `const Pool = require('pg').Pool;
const pool = new Pool();

app.post('/notes', async (req, res) => {
  await pool.query('INSERT INTO notes (body) VALUES ($1)', [req.body.text]);
  res.status(201).end();
});
` },
        ],
      },
    ],
  },
  {
    name: 'pool imported from ./db (project facts)',
    fileName: 'src/routes/users.ts',
    project: dbModule,
    code: `import db from '../db';

export async function listUsers() {
  const client = await db.connect();
  const { rows } = await client.query('SELECT id, name FROM users');
  client.release();
  return rows;
}
`,
    errors: [
      {
        line: 4,
        column: 24,
        message: 'Client from db.connect() leaks if client.query() on line 5 throws: release it in a finally block.',
        related: [
          { line: 5, column: 26, message: 'Can throw here while the client is held.' },
          { line: 6, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import db from '../db';

export async function listUsers() {
  const client = await db.connect();
  try {
    const { rows } = await client.query('SELECT id, name FROM users');
    return rows;
  } finally {
    client.release();
  }
}
` },
          { title: 'Use pool.query() instead', output: `import db from '../db';

export async function listUsers() {
  const { rows } = await db.query('SELECT id, name FROM users');
  return rows;
}
` },
        ],
      },
    ],
  },
  {
    name: 'let client assigned inside try, released in try',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function refresh() {
  let client;
  try {
    client = await pool.connect();
    await client.query('REFRESH MATERIALIZED VIEW stats');
    client.release();
  } catch (err) {
    console.error(err);
  }
}
`,
    errors: [
      {
        line: 8,
        column: 20,
        message: 'Client from pool.connect() leaks if client.query() on line 9 throws: release it in a finally block.',
        related: [
          { line: 9, column: 11, message: 'Can throw here while the client is held.' },
          { line: 10, column: 5, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'a call in catch before the release can throw',
    code: `import { Pool } from 'pg';
import { report } from './errors';

const pool = new Pool();

export async function save(doc: { id: number; body: string }) {
  const client = await pool.connect();
  try {
    await client.query('UPDATE docs SET body = $2 WHERE id = $1', [doc.id, doc.body]);
    client.release();
  } catch (err) {
    report(err);
    client.release();
    throw err;
  }
}
`,
    errors: [
      {
        line: 7,
        column: 24,
        message: 'Client from pool.connect() leaks if report() on line 12 throws: release it in a finally block.',
        related: [
          { line: 12, column: 5, message: 'Can throw here while the client is held.' },
          { line: 10, column: 5, message: 'Released here, but not on that path.' },
          { line: 13, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';
import { report } from './errors';

const pool = new Pool();

export async function save(doc: { id: number; body: string }) {
  const client = await pool.connect();
  try {
    try {
      await client.query('UPDATE docs SET body = $2 WHERE id = $1', [doc.id, doc.body]);
    } catch (err) {
      report(err);
      throw err;
    }
  } finally {
    client.release();
  }
}
` },
        ],
      },
    ],
  },
  {
    name: 'callback style: a later early return without done',
    fileName: 'legacy3.js',
    code: `const { Pool } = require('pg');
const pool = new Pool();

function getUser(id, cb) {
  pool.connect((err, client, done) => {
    if (err) return cb(err);
    if (!id) return cb(new Error('id required'));
    client.query('SELECT * FROM users WHERE id = $1', [id], (err, res) => {
      done();
      cb(err, res && res.rows[0]);
    });
  });
}
`,
    errors: [
      {
        line: 5,
        column: 3,
        message: 'done() is not called on the early return on line 7, so the client from pool.connect() leaks.',
        related: [
          { line: 7, column: 14, message: 'Leaves here (return) while the client is held.' },
          { line: 9, column: 7, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'release in a .then without a catch',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function fireAndForget(event: string) {
  const client = await pool.connect();
  client.query('INSERT INTO events (name) VALUES ($1)', [event]).then(() => client.release());
}
`,
    errors: [
      {
        line: 6,
        column: 24,
        message: 'Client from pool.connect() leaks if client.query() on line 7 rejects: release it in a .finally() callback.',
        related: [
          { line: 7, column: 3, message: 'Can reject here while the client is held.' },
          { line: 7, column: 77, message: 'Released here, but not on that path.' },
        ],
      },
    ],
  },
  {
    name: 'tab indentation and CRLF line endings are kept',
    code: "import { Pool } from 'pg';\r\n\r\nconst pool = new Pool();\r\n\r\nexport async function names() {\r\n\tconst client = await pool.connect();\r\n\tconst res = await client.query('SELECT name FROM users');\r\n\tconst names = res.rows.map((row) => row.name);\r\n\tclient.release();\r\n\treturn names;\r\n}\r\n",
    errors: [
      {
        line: 6,
        column: 23,
        message: 'Client from pool.connect() leaks if client.query() on line 7 throws: release it in a finally block.',
        related: [
          { line: 7, column: 20, message: 'Can throw here while the client is held.' },
          { line: 9, column: 2, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: "import { Pool } from 'pg';\r\n\r\nconst pool = new Pool();\r\n\r\nexport async function names() {\r\n\tconst client = await pool.connect();\r\n\ttry {\r\n\t\tconst res = await client.query('SELECT name FROM users');\r\n\t\tconst names = res.rows.map((row) => row.name);\r\n\t\treturn names;\r\n\t} finally {\r\n\t\tclient.release();\r\n\t}\r\n}\r\n" },
        ],
      },
    ],
  },
  {
    name: 'second checkout in the same function leaks',
    code: `import { Pool } from 'pg';

const pool = new Pool();

export async function copy() {
  const source = await pool.connect();
  try {
    await source.query('SELECT 1');
  } finally {
    source.release();
  }
  const target = await pool.connect();
  await target.query('SELECT 2');
  target.release();
}
`,
    errors: [
      {
        line: 12,
        column: 24,
        message: 'Client from pool.connect() leaks if target.query() on line 13 throws: release it in a finally block.',
        related: [
          { line: 13, column: 9, message: 'Can throw here while the client is held.' },
          { line: 14, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function copy() {
  const source = await pool.connect();
  try {
    await source.query('SELECT 1');
  } finally {
    source.release();
  }
  const target = await pool.connect();
  try {
    await target.query('SELECT 2');
  } finally {
    target.release();
  }
}
` },
          { title: 'Use pool.query() instead', output: `import { Pool } from 'pg';

const pool = new Pool();

export async function copy() {
  const source = await pool.connect();
  try {
    await source.query('SELECT 1');
  } finally {
    source.release();
  }
  await pool.query('SELECT 2');
}
` },
        ],
      },
    ],
  },
  {
    name: 'checkout cast to PoolClient, query result used after the release',
    code: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function names() {
  const client = (await pool.connect()) as PoolClient;
  const res = await client.query<{ name: string }>('SELECT name FROM users');
  client.release();
  return res.rows.map((row) => row.name);
}
`,
    errors: [
      {
        line: 6,
        column: 25,
        message: 'Client from pool.connect() leaks if client.query() on line 7 throws: release it in a finally block.',
        related: [
          { line: 7, column: 21, message: 'Can throw here while the client is held.' },
          { line: 8, column: 3, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function names() {
  const client = (await pool.connect()) as PoolClient;
  try {
    const res = await client.query<{ name: string }>('SELECT name FROM users');
    return res.rows.map((row) => row.name);
  } finally {
    client.release();
  }
}
` },
          { title: 'Use pool.query() instead', output: `import { Pool, type PoolClient } from 'pg';

const pool = new Pool();

export async function names() {
  const res = await pool.query<{ name: string }>('SELECT name FROM users');
  return res.rows.map((row) => row.name);
}
` },
        ],
      },
    ],
  },
  {
    name: 'startup check: .then without the client, then .catch',
    fileName: 'db.js',
    code: `const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

pool
  .connect()
  .then(() => console.log('Connected to PostgreSQL'))
  .catch((err) => console.error('Connection error', err.stack));

module.exports = pool;
`,
    errors: [
      {
        line: 5,
        column: 1,
        message: 'The client from this checkout is discarded and never released: use pool.query() for a single query.',
        related: [],
      },
    ],
  },
  {
    name: 'awaited checkout with only a .catch',
    code: `import { Pool } from 'pg';

export const pool = new Pool();

export async function assertReachable() {
  await pool.connect().catch((err) => {
    throw new Error(\`database unreachable: \${err.message}\`);
  });
}
`,
    errors: [
      {
        line: 6,
        column: 9,
        message: 'The client from this checkout is discarded and never released: use pool.query() for a single query.',
        related: [],
      },
    ],
  },
  {
    name: 'four-space indentation under a JSDoc comment',
    code: `import { Pool } from 'pg';

const pool = new Pool();

/**
 * Loads one invoice with its lines.
 */
export async function invoice(id: number) {
    const client = await pool.connect();
    const { rows } = await client.query('SELECT * FROM invoices WHERE id = $1', [id]);
    const lines = await client.query('SELECT * FROM invoice_lines WHERE invoice_id = $1', [id]);
    client.release();
    return { ...rows[0], lines: lines.rows };
}
`,
    errors: [
      {
        line: 9,
        column: 26,
        message: 'Client from pool.connect() leaks if client.query() on line 10 throws: release it in a finally block.',
        related: [
          { line: 10, column: 28, message: 'Can throw here while the client is held.' },
          { line: 12, column: 5, message: 'Released here, but not on that path.' },
        ],
        fixes: [
          { title: 'Release the client in a finally block', output: `import { Pool } from 'pg';

const pool = new Pool();

/**
 * Loads one invoice with its lines.
 */
export async function invoice(id: number) {
    const client = await pool.connect();
    try {
        const { rows } = await client.query('SELECT * FROM invoices WHERE id = $1', [id]);
        const lines = await client.query('SELECT * FROM invoice_lines WHERE invoice_id = $1', [id]);
        return { ...rows[0], lines: lines.rows };
    } finally {
        client.release();
    }
}
` },
        ],
      },
    ],
  },
];

runRuleTests(rule, { valid, invalid });
