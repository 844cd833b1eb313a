import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEMO_DOMAINS, type DemoConnection } from './domains';
import type { DemoServer } from './postgres';

/** Each domain's tables and a little data, created by the domain's own role so that it owns them. */
const SCHEMAS: Readonly<Record<string, string>> = {
  blog: `
    CREATE TABLE posts (
      id serial PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      title text NOT NULL,
      body text NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE comments (
      id serial PRIMARY KEY,
      post_id int NOT NULL REFERENCES posts(id),
      author text NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO posts (slug, title, body, published_at)
      SELECT 'post-' || n, 'Post number ' || n, repeat('Lorem ipsum ', 40), now() - n * interval '1 day'
      FROM generate_series(1, 200) AS n;
    INSERT INTO comments (post_id, author, body)
      SELECT 1 + n % 200, 'reader' || n % 17, 'Nice post!' FROM generate_series(1, 1000) AS n;
  `,
  market: `
    CREATE TABLE products (
      sku text PRIMARY KEY,
      name text NOT NULL,
      price_cents int NOT NULL,
      stock int NOT NULL CHECK (stock >= 0)
    );
    CREATE TABLE orders (
      id serial PRIMARY KEY,
      sku text NOT NULL REFERENCES products(sku),
      quantity int NOT NULL,
      total_cents int NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO products (sku, name, price_cents, stock)
      SELECT 'sku-' || n, 'Product ' || n, 500 + n * 25, 1000 FROM generate_series(1, 100) AS n;
    INSERT INTO orders (sku, quantity, total_cents, status)
      SELECT 'sku-' || (1 + n % 100), 1 + n % 3, 1000 + n % 5000, (ARRAY['placed', 'paid', 'shipped'])[1 + n % 3]
      FROM generate_series(1, 5000) AS n;
  `,
  cache: `
    CREATE TABLE entries (
      key text PRIMARY KEY,
      value text NOT NULL,
      expires_at timestamptz NOT NULL
    );
  `,
};

/**
 * Creates one role and one database per demo domain, each role with a new random password, and the
 * domain's tables. Every role may read all statistics: the monitor connects with the first domain's
 * credentials, and without `pg_read_all_stats` it would see the other domains' sessions only as hidden.
 */
export async function createDemoDatabases(server: DemoServer): Promise<DemoConnection> {
  const passwords = new Map<string, string>();
  const admin = await server.connect();
  try {
    for (const domain of DEMO_DOMAINS) {
      const password = randomBytes(18).toString('base64url');
      const role = admin.escapeIdentifier(domain.role);
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
      await admin.query(`GRANT pg_read_all_stats TO ${role}`);
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(domain.database)} OWNER ${role}`);
      passwords.set(domain.name, password);
    }
  } finally {
    await admin.end();
  }
  for (const domain of DEMO_DOMAINS) {
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      database: domain.database,
      user: domain.role,
      password: passwords.get(domain.name),
      application_name: 'pool-lens-demo-setup',
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(SCHEMAS[domain.name]);
    } finally {
      await client.end();
    }
  }
  return { host: server.host, port: server.port, passwords };
}
