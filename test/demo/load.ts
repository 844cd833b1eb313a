import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startDemoApp, type RunningDemoApp } from './demoApp';
import { DEMO_DOMAINS, type DemoConnection, type DemoDomain } from './domains';

interface Statement {
  text: string;
  values?: () => unknown[];
}

const randomInt = (max: number): number => 1 + Math.floor(Math.random() * max);

/**
 * What each domain's app does, one statement at a time (so each pool keeps exactly one client of its
 * own and the counts in the Pools view stay easy to check): the blog reads posts, the shop reads its
 * catalogue and now and then runs a slow report, the cache worker writes and expires entries.
 */
const WORK: Readonly<Record<string, { pauseMs: number; statements: Statement[] }>> = {
  blog: {
    pauseMs: 700,
    statements: [
      { text: 'SELECT id, slug, title, published_at FROM posts ORDER BY published_at DESC LIMIT 20' },
      { text: 'SELECT id, title, body FROM posts WHERE slug = $1', values: () => [`post-${randomInt(200)}`] },
      { text: 'SELECT author, body FROM comments WHERE post_id = $1 ORDER BY created_at', values: () => [randomInt(200)] },
    ],
  },
  market: {
    pauseMs: 900,
    statements: [
      { text: 'SELECT sku, name, price_cents, stock FROM products WHERE stock > 0 ORDER BY name LIMIT 20' },
      { text: 'SELECT id, sku, quantity, status FROM orders WHERE id = $1', values: () => [randomInt(5000)] },
      // Slow enough that the Pools view often catches it running.
      { text: "SELECT count(*) AS orders, sum(total_cents) AS cents, pg_sleep(0.6) FROM orders WHERE status = 'paid'" },
    ],
  },
  cache: {
    pauseMs: 1100,
    statements: [
      {
        text: "INSERT INTO entries (key, value, expires_at) VALUES ($1, $2, now() + interval '30 seconds') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at",
        values: () => [`post:${randomInt(50)}`, JSON.stringify({ renderedAt: new Date().toISOString() })],
      },
      { text: 'SELECT value FROM entries WHERE key = $1 AND expires_at > now()', values: () => [`post:${randomInt(50)}`] },
      { text: 'DELETE FROM entries WHERE expires_at < now()' },
    ],
  },
};

/** A client checked out for one of the two planted leaks. */
export interface HeldSession {
  domain: string;
  applicationName: string;
  pid: number;
  what: string;
  /** Where the app took it, as its runtime companion reports it (`src/routes/posts.ts:14`). */
  acquiredAt?: string;
}

/** The demo app's process: which workspace copy it runs in and the companion it is run with. */
export interface DemoAppOptions {
  workspace: string;
  /** `dist/register.js` (or the source under tsx), passed to `node --require`. */
  register: string;
}

/**
 * A small app load against the demo databases with real node-postgres pools, one per domain with the
 * domain's `application_name`, plus two leaks for the Pools view to call out: a blog client that is
 * checked out and never released, and a shop transaction left open (BEGIN, an UPDATE, then nothing).
 * The blog leak is the demo workspace's own mistake: the demo app (`demoApp.ts`) runs its real
 * `src/routes/posts.ts` with the runtime companion, so the Pools view shows the line that took the client.
 */
export class DemoLoad {
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly held: pg.PoolClient[] = [];
  private app: RunningDemoApp | undefined;
  readonly sessions: HeldSession[] = [];

  private constructor(
    private readonly pools: ReadonlyMap<string, pg.Pool>,
    private readonly log: (line: string) => void,
  ) {}

  static async start(connection: DemoConnection, app: DemoAppOptions, log: (line: string) => void): Promise<DemoLoad> {
    const pools = new Map(DEMO_DOMAINS.map((domain) => [domain.name, createPool(domain, connection, log)]));
    const load = new DemoLoad(pools, log);
    try {
      await load.leakCheckout(connection, app);
      await load.leaveTransactionOpen(pools.get('market')!);
      for (const domain of DEMO_DOMAINS) load.loops.push(load.run(domain, pools.get(domain.name)!));
    } catch (error) {
      await load.stop();
      throw error;
    }
    return load;
  }

  /** Ends the loops, gives the held clients back (rolling the open transaction back) and ends the pools. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.app?.stop();
    await Promise.allSettled(this.loops);
    for (const client of this.held) {
      // The server may already be gone (Ctrl-C in a terminal reaches it too); then there is nothing to roll back.
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    const ending = Promise.allSettled([...this.pools.values()].map((pool) => pool.end()));
    // Bounded: a pool whose server vanished mid-handshake must not hold up the stop.
    await Promise.race([ending, sleep(5_000, undefined, { ref: false })]);
  }

  /** The mistake of src/routes/posts.ts in the demo workspace, made by that very route in the demo app: a checkout that is never released. */
  private async leakCheckout(connection: DemoConnection, options: DemoAppOptions): Promise<void> {
    this.app = await startDemoApp(options.workspace, connection, options.register, this.log);
    const { checkout, companion } = this.app;
    const file = checkout.file ? path.relative(companion.endpoint.cwd, checkout.file).split(path.sep).join('/') : '(unknown file)';
    this.sessions.push({
      domain: 'blog',
      applicationName: 'blog-api',
      pid: checkout.backendPid!,
      what: `checked out at ${file}:${checkout.line} and never released (idle, ageing; demo app pid ${this.app.pid})`,
      acquiredAt: `${file}:${checkout.line}`,
    });
  }

  /** A transaction that took a row lock and then waits for a COMMIT that never comes. */
  private async leaveTransactionOpen(pool: pg.Pool): Promise<void> {
    const client = await this.hold(pool);
    const pid = await backendPid(client);
    await client.query('BEGIN');
    await client.query('UPDATE products SET stock = stock - 1 WHERE sku = $1', ['sku-1']);
    this.sessions.push({ domain: 'market', applicationName: 'market-api', pid, what: 'BEGIN, UPDATE, then idle in transaction' });
  }

  private async hold(pool: pg.Pool): Promise<pg.PoolClient> {
    const client = await pool.connect();
    // A checked-out client's errors (the server stopping) are not the pool's to report.
    client.on('error', () => undefined);
    this.held.push(client);
    return client;
  }

  private async run(domain: DemoDomain, pool: pg.Pool): Promise<void> {
    const { pauseMs, statements } = WORK[domain.name];
    let failing = false;
    for (let turn = 0; !this.stopping.signal.aborted; turn++) {
      const statement = statements[turn % statements.length];
      try {
        await pool.query(statement.text, statement.values?.());
        if (failing) this.log(`${domain.applicationName}: queries succeed again`);
        failing = false;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (!failing) this.log(`${domain.applicationName}: ${error instanceof Error ? error.message : String(error)} (retrying)`);
        failing = true;
      }
      await sleep(pauseMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }
}

function createPool(domain: DemoDomain, connection: DemoConnection, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool({
    host: connection.host,
    port: connection.port,
    database: domain.database,
    user: domain.role,
    password: connection.passwords.get(domain.name),
    application_name: domain.applicationName,
    max: 5,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', (error) => log(`${domain.applicationName}: idle client error: ${error.message}`));
  return pool;
}

async function backendPid(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0].pid;
}
