import pg from 'pg';
import { Monitor } from '../src/pg/monitor';
import { createDomainDatabases, domainEnv, domainsFor, ROLES } from '../test/pg/fixtures';
import { startServer, type TestServer } from '../test/pg/server';

/** Enough for 500 application backends, the monitor and the benchmark's own connections. */
export const MAX_CONNECTIONS = 600;

/**
 * An embedded PostgreSQL (loopback only) with the blog and market domain databases, and application
 * backends opened on demand: most idle, some idle in a transaction, some running a long query.
 */
export class BenchServer {
  private readonly backends: pg.Client[] = [];

  private constructor(readonly server: TestServer) {}

  static async start(): Promise<BenchServer> {
    const server = await startServer({ maxConnections: MAX_CONNECTIONS });
    await createDomainDatabases(server);
    return new BenchServer(server);
  }

  get backendCount(): number {
    return this.backends.length;
  }

  /** A monitor watching both domains; they share the server, so it holds one connection. */
  monitor(): Monitor {
    const { configs, passwords } = domainsFor(
      [
        { name: 'blog', envPrefix: 'BLOG_DB_' },
        { name: 'market', envPrefix: 'MARKET_DB_' },
      ],
      domainEnv(this.server),
    );
    return new Monitor(configs, passwords);
  }

  /** Opens backends until `count` are open, 20 at a time: 70 % idle, 15 % idle in transaction, 15 % active. */
  async grow(count: number): Promise<void> {
    while (this.backends.length < count) {
      const batch = Math.min(20, count - this.backends.length);
      await Promise.all(Array.from({ length: batch }, (_, i) => this.open(this.backends.length + i)));
    }
  }

  async stop(): Promise<void> {
    // Long queries end with their sessions; terminating them first keeps stop() from waiting on them.
    await this.server.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'bench-app-%'`);
    await Promise.all(this.backends.map((client) => client.end().catch(() => undefined)));
    await this.server.stop();
  }

  private async open(index: number): Promise<void> {
    const domain = index % 2 === 0 ? 'blog' : 'market';
    const client = new pg.Client({
      host: this.server.host,
      port: this.server.port,
      database: domain,
      user: ROLES[domain].user,
      password: ROLES[domain].password,
      application_name: `bench-app-${domain}-${index % 7}`,
    });
    client.on('error', () => undefined);
    this.backends.push(client);
    await client.connect();
    const kind = index % 20;
    if (kind < 3) {
      await client.query('BEGIN');
      await client.query('SELECT 1');
    } else if (kind < 6) {
      // Never awaited: the session stays `active` until stop() terminates it.
      client.query('SELECT pg_sleep(3600)').catch(() => undefined);
    }
  }
}
