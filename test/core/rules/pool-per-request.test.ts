import rule from '../../../src/core/rules/pool-per-request';
import { runRuleTests } from '../ruleTester';

const MOVE = 'Move the pool to module scope';
const perRequest = (handler: string) =>
  `A new pool is created on every request to this ${handler}; create it once at module scope and reuse it.`;
const PER_INVOCATION =
  'A new pool is created on every invocation of this Lambda handler; create it once at module scope so warm invocations reuse it.';
const PER_ITERATION = 'A new pool is created on every iteration of this loop; create it once outside the loop and reuse it.';
const perCall = (name: string) => `A new pool is created on every call of ${name}; create it once at module scope and reuse it.`;
const perEvent = (what: string) => `A new pool is created every time this ${what} runs; create it once at module scope and reuse it.`;

runRuleTests(rule, {
  valid: [
    {
      name: 'Express app with one module-level pool',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.get('/users', async (req, res) => {
  const { rows } = await pool.query('select id, name from users');
  res.json(rows);
});

app.listen(3000);
`,
    },
    {
      name: 'module-level async IIFE in a script',
      fileName: 'tools/report.mjs',
      code: `import pg from 'pg';

(async () => {
  const pool = new pg.Pool();
  const { rows } = await pool.query('select count(*) from orders');
  console.log(rows[0].count);
  await pool.end();
})();
`,
    },
    {
      name: 'lazy singleton with if (!pool)',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

let pool: Pool | undefined;

export function getPool(): Pool {
  if (!pool) pool = new Pool({ connectionString: process.env.DATABASE_URL });
  return pool;
}
`,
    },
    {
      name: 'lazy singleton with ??=',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

let pool: Pool | undefined;

export async function query(text: string, values?: unknown[]) {
  pool ??= new Pool();
  return pool.query(text, values);
}
`,
    },
    {
      name: 'lazy singleton returned with ?? (pool = …)',
      fileName: 'lib/db.js',
      code: `const { Pool } = require('pg');

let pool;

function getPool() {
  return pool ?? (pool = new Pool({ max: 10 }));
}

module.exports = { getPool };
`,
    },
    {
      name: 'lazy singleton with an early return',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

let pool: Pool | null = null;

export function db() {
  if (pool) return pool;
  pool = new Pool();
  pool.on('error', (err) => console.error(err));
  return pool;
}
`,
    },
    {
      name: 'Next.js globalThis cache inside a getter',
      fileName: 'lib/db.ts',
      code: `import { Pool } from 'pg';

const globalForPg = globalThis as unknown as { pgPool?: Pool };

export function getPool() {
  if (!globalForPg.pgPool) {
    globalForPg.pgPool = new Pool({ connectionString: process.env.DATABASE_URL });
  }
  return globalForPg.pgPool;
}
`,
    },
    {
      name: 'global.x = global.x || new Pool()',
      fileName: 'lib/db.js',
      code: `const { Pool } = require('pg');

function pool() {
  global.pgPool = global.pgPool || new Pool();
  return global.pgPool;
}

module.exports = pool;
`,
    },
    {
      name: 'Next.js module-level globalThis cache',
      fileName: 'lib/db.ts',
      code: `import { Pool } from 'pg';

const cached = globalThis as unknown as { pool?: Pool };
export const pool = cached.pool ?? new Pool({ connectionString: process.env.DATABASE_URL });
if (process.env.NODE_ENV !== 'production') cached.pool = pool;
`,
    },
    {
      name: 'constructor of a long-lived repository',
      fileName: 'src/repositories/users.ts',
      code: `import { Pool, type PoolConfig } from 'pg';

export class UserRepository {
  private readonly pool: Pool;

  constructor(config: PoolConfig) {
    this.pool = new Pool(config);
  }

  async findAll() {
    const { rows } = await this.pool.query('select * from users');
    return rows;
  }
}
`,
    },
    {
      name: 'class field initialiser',
      fileName: 'src/services/orders.ts',
      code: `import { Pool } from 'pg';

export class OrderService {
  private pool = new Pool({ max: 20 });

  async count() {
    const { rows } = await this.pool.query('select count(*) from orders');
    return Number(rows[0].count);
  }
}
`,
    },
    {
      name: 'factory that only creates and returns a pool',
      fileName: 'src/db.ts',
      code: `import { Pool, type PoolConfig } from 'pg';

export function createPool(config: PoolConfig) {
  return new Pool(config);
}
`,
    },
    {
      name: 'factory that hands the pool to drizzle',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';

export function createDb(url: string) {
  const pool = new Pool({ connectionString: url });
  return drizzle(pool);
}
`,
    },
    {
      name: 'factory that checks the connection and returns the pool',
      fileName: 'src/db.ts',
      code: `import { Pool } from 'pg';

export async function connectDatabase() {
  const pool = new Pool();
  await pool.query('select 1');
  return pool;
}
`,
    },
    {
      name: 'main() called once at the bottom of a script',
      fileName: 'scripts/backfill.ts',
      code: `import { Pool } from 'pg';

async function main() {
  const pool = new Pool();
  try {
    await pool.query('update users set active = true where active is null');
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`,
    },
    {
      name: 'helper called only from a once-only main',
      fileName: 'scripts/seed.js',
      code: `const { Pool } = require('pg');

async function seed() {
  const pool = new Pool();
  await pool.query("insert into plans (name) values ('free')");
  await pool.end();
}

async function main() {
  await seed();
  console.log('seeded');
}

if (require.main === module) {
  main();
}
`,
    },
    {
      name: 'route handler with a module-level lazy pool',
      fileName: 'src/app.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();
let pool: Pool | undefined;

app.get('/health', async (_req, res) => {
  if (!pool) pool = new Pool();
  await pool.query('select 1');
  res.send('ok');
});
`,
    },
    {
      name: 'per-tenant pools cached in a Map behind has()',
      fileName: 'src/tenants.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();
const pools = new Map<string, Pool>();

app.get('/t/:tenant/orders', async (req, res) => {
  const tenant = req.params.tenant;
  if (!pools.has(tenant)) pools.set(tenant, new Pool({ database: tenant }));
  const { rows } = await pools.get(tenant)!.query('select * from orders');
  res.json(rows);
});
`,
    },
    {
      name: 'one pool per domain, built once in a module-level loop',
      fileName: 'src/pools.ts',
      code: `import { Pool } from 'pg';

const domains = ['blog', 'market', 'cache'] as const;
export const pools: Record<string, Pool> = {};
for (const domain of domains) {
  pools[domain] = new Pool({ connectionString: process.env[\`\${domain.toUpperCase()}_DATABASE_URL\`] });
}
`,
    },
    {
      name: 'one pool per domain, built once with map',
      fileName: 'src/pools.ts',
      code: `import { Pool } from 'pg';

const domains = ['blog', 'market'];
export const pools = Object.fromEntries(domains.map((name) => [name, new Pool({ database: name })]));
`,
    },
    {
      name: 'Fastify plugin registered once',
      fileName: 'src/plugins/db.ts',
      code: `import Fastify from 'fastify';
import { Pool } from 'pg';

const fastify = Fastify();

fastify.register(async (instance) => {
  const pool = new Pool();
  await pool.query('select 1');
  instance.decorate('pg', pool);
});
`,
    },
    {
      name: 'test hooks run once',
      fileName: 'test/users.test.ts',
      code: `import { Pool } from 'pg';

describe('users', () => {
  it('counts users', async () => {
    const pool = new Pool();
    const { rows } = await pool.query('select count(*) from users');
    expect(Number(rows[0].count)).toBeGreaterThan(0);
    await pool.end();
  });
});
`,
    },
    {
      name: 'Lambda handler with a module-level pool',
      fileName: 'src/handler.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool({ max: 1 });

export const handler = async (event: { id: string }) => {
  const { rows } = await pool.query('select * from orders where id = $1', [event.id]);
  return rows[0];
};
`,
    },
    {
      name: 'Lambda handler with a lazy pool',
      fileName: 'handler.js',
      code: `const { Pool } = require('pg');

let pool;

exports.handler = async (event) => {
  if (!pool) {
    pool = new Pool({ max: 1 });
  }
  const { rows } = await pool.query('select now()');
  return { statusCode: 200, body: JSON.stringify(rows) };
};
`,
    },
    {
      name: 'Next.js route handler with a module-level pool',
      fileName: 'app/api/users/route.ts',
      code: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function GET() {
  const { rows } = await pool.query('select id, email from users');
  return Response.json(rows);
}
`,
    },
    {
      name: 'service method that initialises a field',
      fileName: 'src/database.ts',
      code: `import { Pool } from 'pg';

export class Database {
  private pool?: Pool;

  async connect(url: string) {
    this.pool = new Pool({ connectionString: url });
    await this.pool.query('select 1');
  }
}
`,
    },
    {
      name: 'per-tenant factory whose pools the caller keeps',
      fileName: 'src/tenants.ts',
      code: `import { Pool } from 'pg';

export function poolFor(tenant: string) {
  return new Pool({ database: \`tenant_\${tenant}\` });
}
`,
    },
    {
      name: 'app factory whose routes capture the pool',
      fileName: 'src/app.ts',
      code: `import express from 'express';
import { Pool, type PoolConfig } from 'pg';

export function createApp(db: PoolConfig) {
  const pool = new Pool(db);
  const app = express();
  app.get('/users', async (_req, res) => res.json((await pool.query('select * from users')).rows));
  return app;
}
`,
    },
    {
      name: 'NestJS provider factory',
      fileName: 'src/database.module.ts',
      code: `import { Module } from '@nestjs/common';
import { Pool } from 'pg';

@Module({
  providers: [{ provide: 'PG_POOL', useFactory: () => new Pool({ connectionString: process.env.DATABASE_URL }) }],
  exports: ['PG_POOL'],
})
export class DatabaseModule {}
`,
    },
    {
      name: 'Fastify onReady hook runs once',
      fileName: 'src/server.ts',
      code: `import Fastify from 'fastify';
import { Pool } from 'pg';

const app = Fastify();

app.addHook('onReady', async () => {
  const pool = new Pool();
  await pool.query('select 1');
  await pool.end();
});
`,
    },
    {
      name: 'suppressed with a reason',
      fileName: 'src/admin.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.post('/admin/check-connection', async (req, res) => {
  // pool-lens-disable-next-line pool-per-request -- deliberately tests the credentials the admin typed
  const probe = new Pool({ connectionString: req.body.url, max: 1 });
  try {
    await probe.query('select 1');
    res.send('ok');
  } finally {
    await probe.end();
  }
});
`,
    },
  ],
  invalid: [
    {
      name: 'Express handler creates a pool per request',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/users', async (req, res) => {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const { rows } = await pool.query('select id, name from users');
  res.json(rows);
});
`,
      errors: [
        {
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 72,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import express from 'express';
import { Pool } from 'pg';

const app = express();

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.get('/users', async (req, res) => {
  const { rows } = await pool.query('select id, name from users');
  res.json(rows);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Express router, multi-line options, CommonJS',
      fileName: 'routes/orders.js',
      code: `const express = require('express');
const { Pool } = require('pg');

const router = express.Router();

router.post('/orders', async (req, res, next) => {
  const pool = new Pool({
    host: process.env.PGHOST,
    max: Number(process.env.PG_MAX || 10),
  });
  try {
    await pool.query('insert into orders (item) values ($1)', [req.body.item]);
    res.status(201).end();
  } catch (err) {
    next(err);
  }
});

module.exports = router;
`,
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `const express = require('express');
const { Pool } = require('pg');

const router = express.Router();

const pool = new Pool({
  host: process.env.PGHOST,
  max: Number(process.env.PG_MAX || 10),
});

router.post('/orders', async (req, res, next) => {
  try {
    await pool.query('insert into orders (item) values ($1)', [req.body.item]);
    res.status(201).end();
  } catch (err) {
    next(err);
  }
});

module.exports = router;
`,
            },
          ],
        },
      ],
    },
    {
      name: 'options that depend on the request: no fix',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/:db/tables', async (req, res) => {
  const pool = new Pool({ database: req.params.db });
  const { rows } = await pool.query('select tablename from pg_tables');
  res.json(rows);
});
`,
      errors: [{ line: 7, column: 16, message: perRequest('route handler') }],
    },
    {
      name: 'handler ends its pool: moving it would end the shared pool, so no fix',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/users', async (req, res) => {
  const pool = new Pool();
  try {
    const { rows } = await pool.query('select * from users');
    res.json(rows);
  } finally {
    await pool.end();
  }
});
`,
      errors: [{ line: 7, column: 16, message: perRequest('route handler') }],
    },
    {
      name: 'Fastify shorthand route',
      fileName: 'src/server.ts',
      code: `import Fastify from 'fastify';
import { Pool } from 'pg';

const fastify = Fastify({ logger: true });

fastify.get('/products', async (request, reply) => {
  const pool = new Pool();
  const { rows } = await pool.query('select * from products');
  return rows;
});
`,
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import Fastify from 'fastify';
import { Pool } from 'pg';

const fastify = Fastify({ logger: true });

const pool = new Pool();

fastify.get('/products', async (request, reply) => {
  const { rows } = await pool.query('select * from products');
  return rows;
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Fastify full route declaration',
      fileName: 'src/routes.ts',
      code: `import Fastify from 'fastify';
import { Pool } from 'pg';

const app = Fastify();

app.route({
  method: 'GET',
  url: '/stats',
  handler: async () => {
    const pool = new Pool({ max: 2 });
    const { rows } = await pool.query('select count(*) from events');
    return rows[0];
  },
});
`,
      errors: [
        {
          line: 10,
          column: 18,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import Fastify from 'fastify';
import { Pool } from 'pg';

const app = Fastify();

const pool = new Pool({ max: 2 });

app.route({
  method: 'GET',
  url: '/stats',
  handler: async () => {
    const { rows } = await pool.query('select count(*) from events');
    return rows[0];
  },
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Koa middleware',
      fileName: 'src/app.js',
      code: `import Koa from 'koa';
import pg from 'pg';

const app = new Koa();

app.use(async (ctx, next) => {
  const pool = new pg.Pool();
  ctx.state.user = (await pool.query('select * from users where id = $1', [ctx.get('x-user')])).rows[0];
  await next();
});

app.listen(3000);
`,
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('middleware'),
          fixes: [
            {
              title: MOVE,
              output: `import Koa from 'koa';
import pg from 'pg';

const app = new Koa();

const pool = new pg.Pool();

app.use(async (ctx, next) => {
  ctx.state.user = (await pool.query('select * from users where id = $1', [ctx.get('x-user')])).rows[0];
  await next();
});

app.listen(3000);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Hapi route inside an init function',
      fileName: 'server.js',
      code: `const Hapi = require('@hapi/hapi');
const { Pool } = require('pg');

const init = async () => {
  const server = Hapi.server({ port: 3000 });
  server.route({
    method: 'GET',
    path: '/users',
    handler: async (request, h) => {
      const pool = new Pool();
      const { rows } = await pool.query('select * from users');
      return rows;
    },
  });
  await server.start();
};

init();
`,
      errors: [
        {
          line: 10,
          column: 20,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `const Hapi = require('@hapi/hapi');
const { Pool } = require('pg');

const pool = new Pool();

const init = async () => {
  const server = Hapi.server({ port: 3000 });
  server.route({
    method: 'GET',
    path: '/users',
    handler: async (request, h) => {
      const { rows } = await pool.query('select * from users');
      return rows;
    },
  });
  await server.start();
};

init();
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Next.js App Router GET handler',
      fileName: 'app/api/users/route.ts',
      code: `import { Pool } from 'pg';

export async function GET(request: Request) {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const { rows } = await pool.query('select id, email from users');
  return Response.json(rows);
}
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: perRequest('Next.js route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function GET(request: Request) {
  const { rows } = await pool.query('select id, email from users');
  return Response.json(rows);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Next.js POST handler as an exported arrow, with a doc comment',
      fileName: 'src/app/api/orders/route.ts',
      code: `import { NextResponse } from 'next/server';
import { Pool } from 'pg';

/** Creates an order. */
export const POST = async (request: Request) => {
  const body = await request.json();
  const pool = new Pool();
  await pool.query('insert into orders (sku) values ($1)', [body.sku]);
  return NextResponse.json({ ok: true }, { status: 201 });
};
`,
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('Next.js route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import { NextResponse } from 'next/server';
import { Pool } from 'pg';

const pool = new Pool();

/** Creates an order. */
export const POST = async (request: Request) => {
  const body = await request.json();
  await pool.query('insert into orders (sku) values ($1)', [body.sku]);
  return NextResponse.json({ ok: true }, { status: 201 });
};
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Next.js Pages Router API route',
      fileName: 'pages/api/users.ts',
      code: `import type { NextApiRequest, NextApiResponse } from 'next';
import { Pool } from 'pg';

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const pool = new Pool();
  const { rows } = await pool.query('select * from users');
  res.status(200).json(rows);
}
`,
      errors: [
        {
          line: 5,
          column: 16,
          message: perRequest('API route'),
          fixes: [
            {
              title: MOVE,
              output: `import type { NextApiRequest, NextApiResponse } from 'next';
import { Pool } from 'pg';

const pool = new Pool();

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { rows } = await pool.query('select * from users');
  res.status(200).json(rows);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'getServerSideProps runs on every page request',
      fileName: 'pages/users.tsx',
      code: `import { Pool } from 'pg';

export async function getServerSideProps() {
  const pool = new Pool();
  const { rows } = await pool.query('select name from users');
  return { props: { users: rows } };
}

export default function Users({ users }: { users: Array<{ name: string }> }) {
  return <ul>{users.map((u) => <li key={u.name}>{u.name}</li>)}</ul>;
}
`,
      errors: [{ line: 4, column: 16, message: perRequest("page's getServerSideProps"), fixes: [
        {
          title: MOVE,
          output: `import { Pool } from 'pg';

const pool = new Pool();

export async function getServerSideProps() {
  const { rows } = await pool.query('select name from users');
  return { props: { users: rows } };
}

export default function Users({ users }: { users: Array<{ name: string }> }) {
  return <ul>{users.map((u) => <li key={u.name}>{u.name}</li>)}</ul>;
}
`,
        },
      ] }],
    },
    {
      name: 'Lambda handler (ESM, TypeScript)',
      fileName: 'src/functions/getOrder.ts',
      code: `import type { APIGatewayProxyHandler } from 'aws-lambda';
import { Pool } from 'pg';

export const handler: APIGatewayProxyHandler = async (event) => {
  const pool = new Pool({ max: 1 });
  const { rows } = await pool.query('select * from orders where id = $1', [event.pathParameters?.id]);
  return { statusCode: 200, body: JSON.stringify(rows[0]) };
};
`,
      errors: [
        {
          line: 5,
          column: 16,
          message: PER_INVOCATION,
          fixes: [
            {
              title: MOVE,
              output: `import type { APIGatewayProxyHandler } from 'aws-lambda';
import { Pool } from 'pg';

const pool = new Pool({ max: 1 });

export const handler: APIGatewayProxyHandler = async (event) => {
  const { rows } = await pool.query('select * from orders where id = $1', [event.pathParameters?.id]);
  return { statusCode: 200, body: JSON.stringify(rows[0]) };
};
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Lambda handler (exports.handler)',
      fileName: 'handler.js',
      code: `const { Pool } = require('pg');

exports.handler = async (event, context) => {
  const pool = new Pool();
  const res = await pool.query('select now()');
  return res.rows[0];
};
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: PER_INVOCATION,
          fixes: [
            {
              title: MOVE,
              output: `const { Pool } = require('pg');

const pool = new Pool();

exports.handler = async (event, context) => {
  const res = await pool.query('select now()');
  return res.rows[0];
};
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Lambda handler (module.exports.handler, function expression)',
      fileName: 'lambda/index.js',
      code: `const { Pool } = require('pg');

module.exports.handler = async function (event) {
  const pool = new Pool({ idleTimeoutMillis: 1000 });
  await pool.query('insert into audit (payload) values ($1)', [event]);
};
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: PER_INVOCATION,
          fixes: [
            {
              title: MOVE,
              output: `const { Pool } = require('pg');

const pool = new Pool({ idleTimeoutMillis: 1000 });

module.exports.handler = async function (event) {
  await pool.query('insert into audit (payload) values ($1)', [event]);
};
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Lambda handler wrapped in middleware',
      fileName: 'src/handler.ts',
      code: `import middy from '@middy/core';
import { Pool } from 'pg';

export const handler = middy(async (event: { id: number }) => {
  const pool = new Pool();
  await pool.query('delete from sessions where user_id = $1', [event.id]);
});
`,
      errors: [
        {
          line: 5,
          column: 16,
          message: PER_INVOCATION,
          fixes: [
            {
              title: MOVE,
              output: `import middy from '@middy/core';
import { Pool } from 'pg';

const pool = new Pool();

export const handler = middy(async (event: { id: number }) => {
  await pool.query('delete from sessions where user_id = $1', [event.id]);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'for-of loop in a script creates a pool per tenant',
      fileName: 'scripts/vacuum.ts',
      code: `import { Pool } from 'pg';

const tenants = ['acme', 'globex'];
for (const tenant of tenants) {
  const pool = new Pool({ database: tenant });
  await pool.query('vacuum analyze');
  await pool.end();
}
`,
      errors: [{ line: 5, column: 16, message: PER_ITERATION }],
    },
    {
      name: 'forEach callback',
      fileName: 'src/jobs/ping.ts',
      code: `import { Pool } from 'pg';

export function pingAll(urls: string[]) {
  urls.forEach(async (url) => {
    const pool = new Pool({ connectionString: url });
    await pool.query('select 1');
  });
}
`,
      errors: [{ line: 5, column: 18, message: PER_ITERATION }],
    },
    {
      name: 'Promise.all over map callbacks',
      fileName: 'src/report.ts',
      code: `import { Pool } from 'pg';

export async function countEverywhere(databases: string[]) {
  return Promise.all(
    databases.map(async (database) => {
      const pool = new Pool({ database });
      const { rows } = await pool.query('select count(*) from users');
      await pool.end();
      return Number(rows[0].count);
    }),
  );
}
`,
      errors: [{ line: 6, column: 20, message: PER_ITERATION }],
    },
    {
      name: 'while loop that polls',
      fileName: 'src/worker.js',
      code: `const { Pool } = require('pg');

async function work() {
  while (true) {
    const pool = new Pool();
    const { rows } = await pool.query('select * from jobs where done = false limit 1');
    if (rows.length === 0) break;
  }
}

module.exports = { work };
`,
      errors: [{ line: 5, column: 18, message: PER_ITERATION }],
    },
    {
      name: 'loop inside a route handler',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.post('/sync', async (req, res) => {
  for (const shard of req.body.shards) {
    const pool = new Pool({ host: shard });
    await pool.query('select pg_notify($1, $2)', ['sync', shard]);
  }
  res.end();
});
`,
      errors: [{ line: 8, column: 18, message: PER_ITERATION }],
    },
    {
      name: 'exported data-access function',
      fileName: 'src/users.ts',
      code: `import { Pool } from 'pg';

export async function getUsers() {
  const pool = new Pool();
  const { rows } = await pool.query('select * from users');
  await pool.end();
  return rows;
}
`,
      errors: [{ line: 4, column: 16, endColumn: 26, message: perCall('getUsers()') }],
    },
    {
      name: 'class method',
      fileName: 'src/repo.ts',
      code: `import { Pool } from 'pg';

export class ProductRepository {
  async findAll() {
    const pool = new Pool();
    const { rows } = await pool.query('select * from products');
    return rows;
  }
}
`,
      errors: [{ line: 5, column: 18, message: perCall('findAll()') }],
    },
    {
      name: 'pool used inline without a name',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/now', async (req, res) => {
  const { rows } = await new Pool().query('select now()');
  res.json(rows[0]);
});
`,
      errors: [{ line: 7, column: 26, message: perRequest('route handler') }],
    },
    {
      name: 'timer callback',
      fileName: 'src/metrics.ts',
      code: `import { Pool } from 'pg';

setInterval(async () => {
  const pool = new Pool();
  const { rows } = await pool.query('select count(*) from pg_stat_activity');
  console.log(rows[0].count);
}, 60_000);
`,
      errors: [{ line: 4, column: 16, message: perEvent('timer callback') }],
    },
    {
      name: 'event listener',
      fileName: 'src/consumer.ts',
      code: `import { Pool } from 'pg';
import { queue } from './queue';

queue.on('message', async (message: { id: string }) => {
  const pool = new Pool();
  await pool.query('update messages set seen = true where id = $1', [message.id]);
});
`,
      errors: [{ line: 5, column: 16, message: perEvent('event listener') }],
    },
    {
      name: 'node:http request listener',
      fileName: 'server.mjs',
      code: `import http from 'node:http';
import pg from 'pg';

http
  .createServer(async (req, res) => {
    const pool = new pg.Pool();
    const { rows } = await pool.query('select 1 as ok');
    res.end(JSON.stringify(rows));
  })
  .listen(8080);
`,
      errors: [
        {
          line: 6,
          column: 18,
          message: perRequest('request listener'),
          fixes: [
            {
              title: MOVE,
              output: `import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool();

http
  .createServer(async (req, res) => {
    const { rows } = await pool.query('select 1 as ok');
    res.end(JSON.stringify(rows));
  })
  .listen(8080);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'a "lazy" check on a local variable does not make it a singleton',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/users', async (req, res) => {
  let pool: Pool | undefined;
  if (!pool) pool = new Pool();
  res.json((await pool.query('select * from users')).rows);
});
`,
      errors: [{ line: 8, column: 21, message: perRequest('route handler') }],
    },
    {
      name: 'unguarded assignment to a module variable replaces the pool on every request',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();
let pool: Pool;

app.get('/users', async (req, res) => {
  pool = new Pool();
  res.json((await pool.query('select * from users')).rows);
});
`,
      errors: [{ line: 8, column: 10, message: perRequest('route handler') }],
    },
    {
      name: 'routes registered inside an exported function',
      fileName: 'src/routes/users.ts',
      code: `import type { Express } from 'express';
import { Pool } from 'pg';

export function registerUserRoutes(app: Express) {
  app.get('/users/:id', async (req, res) => {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const { rows } = await pool.query('select * from users where id = $1', [req.params.id]);
    res.json(rows[0] ?? null);
  });
}
`,
      errors: [
        {
          line: 6,
          column: 18,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import type { Express } from 'express';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export function registerUserRoutes(app: Express) {
  app.get('/users/:id', async (req, res) => {
    const { rows } = await pool.query('select * from users where id = $1', [req.params.id]);
    res.json(rows[0] ?? null);
  });
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'options from a module-level config declared before the route',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool, type PoolConfig } from 'pg';

const dbConfig: PoolConfig = { max: 10, idleTimeoutMillis: 30_000 };
const app = express();

app.get('/orders', async (_req, res) => {
  const pool = new Pool(dbConfig);
  res.json((await pool.query('select * from orders')).rows);
});
`,
      errors: [
        {
          line: 8,
          column: 16,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `import express from 'express';
import { Pool, type PoolConfig } from 'pg';

const dbConfig: PoolConfig = { max: 10, idleTimeoutMillis: 30_000 };
const app = express();

const pool = new Pool(dbConfig);

app.get('/orders', async (_req, res) => {
  res.json((await pool.query('select * from orders')).rows);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'options from a config declared after the route: moving it up would read it too early, so no fix',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

app.get('/orders', async (_req, res) => {
  const pool = new Pool(config);
  res.json((await pool.query('select * from orders')).rows);
});

const config = { max: 10 };
`,
      errors: [{ line: 7, column: 16, message: perRequest('route handler') }],
    },
    {
      name: 'options read a local that hides a module-level name: no fix',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const config = { max: 10 };
const app = express();

app.get('/report', async (req, res) => {
  const config = { max: 1, database: String(req.query.db) };
  const pool = new Pool(config);
  res.json((await pool.query('select 1')).rows);
});
`,
      errors: [{ line: 9, column: 16, message: perRequest('route handler') }],
    },
    {
      name: 'middleware declared as a named function',
      fileName: 'src/middleware/auth.js',
      code: `const { Pool } = require('pg');

async function loadUser(req, res, next) {
  const pool = new Pool();
  req.user = (await pool.query('select * from users where token = $1', [req.get('authorization')])).rows[0];
  next();
}

module.exports = loadUser;
`,
      errors: [{ line: 4, column: 16, message: perCall('loadUser()') }],
    },
    {
      name: 'Next.js server component page',
      fileName: 'app/users/page.tsx',
      code: `import { Pool } from 'pg';

export default async function UsersPage() {
  const pool = new Pool();
  const { rows } = await pool.query('select name from users');
  return <ul>{rows.map((u) => <li key={u.name}>{u.name}</li>)}</ul>;
}
`,
      errors: [
        {
          line: 4,
          column: 16,
          message: perRequest('Next.js page'),
          fixes: [
            {
              title: MOVE,
              output: `import { Pool } from 'pg';

const pool = new Pool();

export default async function UsersPage() {
  const { rows } = await pool.query('select name from users');
  return <ul>{rows.map((u) => <li key={u.name}>{u.name}</li>)}</ul>;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'handler wrapped in asyncHandler()',
      fileName: 'src/routes.js',
      code: `const express = require('express');
const asyncHandler = require('express-async-handler');
const { Pool } = require('pg');

const router = express.Router();

router.get('/invoices', asyncHandler(async (req, res) => {
  const pool = new Pool();
  res.json((await pool.query('select * from invoices')).rows);
}));

module.exports = router;
`,
      errors: [
        {
          line: 8,
          column: 16,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: `const express = require('express');
const asyncHandler = require('express-async-handler');
const { Pool } = require('pg');

const router = express.Router();

const pool = new Pool();

router.get('/invoices', asyncHandler(async (req, res) => {
  res.json((await pool.query('select * from invoices')).rows);
}));

module.exports = router;
`,
            },
          ],
        },
      ],
    },
    {
      name: 'tRPC procedure',
      fileName: 'src/server/routers/user.ts',
      code: `import { Pool } from 'pg';
import { publicProcedure, router } from '../trpc';

export const userRouter = router({
  list: publicProcedure.query(async () => {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const { rows } = await pool.query('select id, name from users');
    return rows;
  }),
});
`,
      errors: [
        {
          line: 6,
          column: 18,
          message: perRequest('tRPC procedure'),
          fixes: [
            {
              title: MOVE,
              output: `import { Pool } from 'pg';
import { publicProcedure, router } from '../trpc';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export const userRouter = router({
  list: publicProcedure.query(async () => {
    const { rows } = await pool.query('select id, name from users');
    return rows;
  }),
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Windows line endings are kept',
      fileName: 'src/server.ts',
      code: [
        "import express from 'express';",
        "import { Pool } from 'pg';",
        '',
        'const app = express();',
        '',
        "app.get('/ping', async (_req, res) => {",
        '  const pool = new Pool();',
        "  res.json((await pool.query('select 1')).rows);",
        '});',
        '',
      ].join('\r\n'),
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('route handler'),
          fixes: [
            {
              title: MOVE,
              output: [
                "import express from 'express';",
                "import { Pool } from 'pg';",
                '',
                'const app = express();',
                '',
                'const pool = new Pool();',
                '',
                "app.get('/ping', async (_req, res) => {",
                "  res.json((await pool.query('select 1')).rows);",
                '});',
                '',
              ].join('\r\n'),
            },
          ],
        },
      ],
    },
    {
      name: 'a recursive function is not a once-only entry',
      fileName: 'scripts/crawl.ts',
      code: `import { Pool } from 'pg';

async function crawl(page: number): Promise<void> {
  const pool = new Pool();
  const { rowCount } = await pool.query('select * from pages limit 100 offset $1', [page * 100]);
  await pool.end();
  if (rowCount) await crawl(page + 1);
}

crawl(0);
`,
      errors: [{ line: 4, column: 16, message: perCall('crawl()') }],
    },
    {
      name: 'Fastify onRequest hook',
      fileName: 'src/server.ts',
      code: `import Fastify from 'fastify';
import { Pool } from 'pg';

const app = Fastify();

app.addHook('onRequest', async (request) => {
  const pool = new Pool({ max: 1 });
  await pool.query('insert into hits (path) values ($1)', [request.url]);
});
`,
      errors: [
        {
          line: 7,
          column: 16,
          message: perRequest('request hook'),
          fixes: [
            {
              title: MOVE,
              output: `import Fastify from 'fastify';
import { Pool } from 'pg';

const app = Fastify();

const pool = new Pool({ max: 1 });

app.addHook('onRequest', async (request) => {
  await pool.query('insert into hits (path) values ($1)', [request.url]);
});
`,
            },
          ],
        },
      ],
    },
    {
      name: 'API route exported through a wrapper',
      fileName: 'src/pages/api/me.js',
      code: `import { Pool } from 'pg';
import { withSession } from '../../lib/session';

async function handler(req, res) {
  const pool = new Pool();
  const { rows } = await pool.query('select * from users where id = $1', [req.session.userId]);
  res.json(rows[0]);
}

export default withSession(handler);
`,
      errors: [
        {
          line: 5,
          column: 16,
          message: perRequest('API route'),
          fixes: [
            {
              title: MOVE,
              output: `import { Pool } from 'pg';
import { withSession } from '../../lib/session';

const pool = new Pool();

async function handler(req, res) {
  const { rows } = await pool.query('select * from users where id = $1', [req.session.userId]);
  res.json(rows[0]);
}

export default withSession(handler);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'Lambda handler declared first and exported through middy',
      fileName: 'src/handler.js',
      code: `const middy = require('@middy/core');
const { Pool } = require('pg');

async function baseHandler(event) {
  const pool = new Pool();
  await pool.query('insert into events (body) values ($1)', [event.body]);
}

exports.handler = middy(baseHandler);
`,
      errors: [
        {
          line: 5,
          column: 16,
          message: PER_INVOCATION,
          fixes: [
            {
              title: MOVE,
              output: `const middy = require('@middy/core');
const { Pool } = require('pg');

const pool = new Pool();

async function baseHandler(event) {
  await pool.query('insert into events (body) values ($1)', [event.body]);
}

exports.handler = middy(baseHandler);
`,
            },
          ],
        },
      ],
    },
    {
      name: 'helper called from a route handler',
      fileName: 'src/server.ts',
      code: `import express from 'express';
import { Pool } from 'pg';

const app = express();

async function countOrders() {
  const pool = new Pool();
  const { rows } = await pool.query('select count(*) from orders');
  return Number(rows[0].count);
}

app.get('/orders/count', async (_req, res) => {
  res.json({ count: await countOrders() });
});
`,
      errors: [{ line: 7, column: 16, message: perCall('countOrders()') }],
    },
  ],
});
