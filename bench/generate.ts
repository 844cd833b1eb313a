/**
 * Generated pool code for the latency and stress figures: Express handlers with checkouts released in
 * `finally`, transactions with and without rollback, callback checkouts, `.then` chains, plain
 * `pool.query` calls and a few leaks, repeated until the file has the asked number of lines.
 */

const HEADER = `import express from 'express';
import { Pool, type PoolClient } from 'pg';

const pool = new Pool({ connectionTimeoutMillis: 5000, idleTimeoutMillis: 10000, max: 10, application_name: 'shop' });
pool.on('error', (err) => console.error('idle client error', err));
const app = express();
app.use(express.json());
`;

const FOOTER = `
app.listen(3000, () => console.log('listening'));
`;

/** One block per kind of code a pool-using service has; `n` keeps names unique. */
const BLOCKS: Array<(n: number) => string> = [
  (n) => `
app.get('/users/${n}/:id', async (req, res) => {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
    res.json(rows[0] ?? null);
  } finally {
    client.release();
  }
});
`,
  (n) => `
export async function transfer${n}(from: number, to: number, amount: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
  (n) => `
app.post('/orders/${n}', async (req, res) => {
  const client = await pool.connect();
  const { rows } = await client.query('INSERT INTO orders (customer) VALUES ($1) RETURNING id', [req.body.customer]);
  if (rows.length === 0) {
    res.status(400).end();
    return;
  }
  client.release();
  res.status(201).json(rows[0]);
});
`,
  (n) => `
export function countItems${n}(callback: (error: Error | null, count?: number) => void): void {
  pool.connect((err, client, done) => {
    if (err || !client) return callback(err ?? new Error('no client'));
    client.query('SELECT count(*) FROM items', (queryError, result) => {
      done();
      if (queryError) return callback(queryError);
      callback(null, Number(result.rows[0].count));
    });
  });
}
`,
  (n) => `
export async function listProducts${n}(limit: number) {
  const { rows } = await pool.query('SELECT id, name, price FROM products ORDER BY name LIMIT $1', [limit]);
  return rows.map((row) => ({ id: row.id, name: String(row.name).trim(), price: Number(row.price) }));
}
`,
  (n) => `
export function archive${n}(id: number): Promise<void> {
  return pool.connect().then((client) =>
    client
      .query('UPDATE orders SET archived = true WHERE id = $1', [id])
      .then(() => undefined)
      .finally(() => client.release()),
  );
}
`,
  (n) => `
async function withClient${n}<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

app.delete('/carts/${n}/:id', async (req, res) => {
  await withClient${n}((client) => client.query('DELETE FROM carts WHERE id = $1', [req.params.id]));
  res.status(204).end();
});
`,
  (n) => `
export async function audit${n}(entries: Array<{ user: string; action: string }>) {
  const client = await pool.connect();
  await client.query('BEGIN');
  try {
    for (const entry of entries) {
      await client.query('INSERT INTO audit (who, what) VALUES ($1, $2)', [entry.user, entry.action]);
    }
    await client.query('COMMIT');
  } catch (error) {
    console.error('audit failed', error);
  } finally {
    client.release();
  }
}
`,
  (n) => `
export function formatPrice${n}(cents: number, currency = 'EUR'): string {
  const value = (cents / 100).toFixed(2);
  switch (currency) {
    case 'EUR':
      return value + ' €';
    case 'USD':
      return '$' + value;
    default:
      return value + ' ' + currency;
  }
}
`,
];

/** A TypeScript module of about `lines` lines (never fewer) of pool-using service code. */
export function serviceModule(lines: number): string {
  const parts = [HEADER];
  let count = lineCount(HEADER) + lineCount(FOOTER);
  for (let n = 0; count < lines; n++) {
    const block = BLOCKS[n % BLOCKS.length](n);
    parts.push(block);
    count += lineCount(block);
  }
  parts.push(FOOTER);
  return parts.join('');
}

/**
 * The stress shape one helper reported as slow: `pools` module-level pools and `functions` functions,
 * each function checking a client out of one pool and querying every pool.
 */
export function stressModule(functions: number, pools: number): string {
  const parts = [`import { Pool } from 'pg';\n\n`];
  for (let p = 0; p < pools; p++) {
    parts.push(`const pool${p} = new Pool({ connectionTimeoutMillis: 5000, application_name: 'p${p}' });\npool${p}.on('error', () => {});\n`);
  }
  for (let f = 0; f < functions; f++) {
    const own = f % pools;
    parts.push(`
export async function work${f}(id: number) {
  const client = await pool${own}.connect();
  try {
    await client.query('SELECT $1::int', [id]);
  } finally {
    client.release();
  }
  await pool${(f + 1) % pools}.query('SELECT 1');
  return work${(f + 1) % functions}.name;
}
`);
  }
  return parts.join('');
}

function lineCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}
