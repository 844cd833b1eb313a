import pg from 'pg';
import type { DomainConfig } from '../../src/pg/domains';
import { createDomainDatabases, domainEnv, domainsFor, ROLES } from './fixtures';
import { startServer, type TestServer } from './server';

/**
 * A crowd of application sessions on one real server, for load tests and the soak benchmark: sessions
 * spread over three domain databases (blog, market, reports) under a handful of application names, in
 * mixed states. Where each session goes and what it does is a pure function of its index (`planOf`),
 * so a test can compute what the monitor should report without asking the server.
 */

/** The crowd's own role and database besides the fixtures' blog and market. */
export const REPORTS = { user: 'reports_app', password: 'reports-secret-pw', database: 'reports' } as const;

/** Four in five blog sessions use this one application name, so one group is far above a page of 100. */
export const BIG_GROUP = 'crowd-big';

export type CrowdState = 'idle' | 'idle in transaction' | 'active';

export interface SessionPlan {
  database: 'blog' | 'market' | 'reports';
  user: string;
  password: string;
  applicationName: string;
  state: CrowdState;
}

/** Half of the sessions in blog, a quarter each in market and reports; 70 % idle, 15 % idle in transaction, 15 % active. */
export function planOf(index: number): SessionPlan {
  const database = (['blog', 'blog', 'market', 'reports'] as const)[index % 4];
  const role = database === 'reports' ? REPORTS : ROLES[database];
  const applicationName = database === 'blog' && index % 5 !== 0 ? BIG_GROUP : `crowd-${database}-${index % 5}`;
  const kind = index % 20;
  const state: CrowdState = kind < 3 ? 'idle in transaction' : kind < 6 ? 'active' : 'idle';
  return { database, user: role.user, password: role.password, applicationName, state };
}

/** Expected (database, application_name) groups of the first `count` sessions, with their state counts. */
export function expectedGroups(count: number): Map<string, { total: number; active: number; idle: number; idleInTransaction: number }> {
  const groups = new Map<string, { total: number; active: number; idle: number; idleInTransaction: number }>();
  for (let i = 0; i < count; i++) {
    const plan = planOf(i);
    const key = `${plan.database}/${plan.applicationName}`;
    const group = groups.get(key) ?? { total: 0, active: 0, idle: 0, idleInTransaction: 0 };
    group.total++;
    if (plan.state === 'active') group.active++;
    else if (plan.state === 'idle') group.idle++;
    else group.idleInTransaction++;
    groups.set(key, group);
  }
  return groups;
}

export class Crowd {
  private readonly clients: pg.Client[] = [];

  private constructor(
    readonly server: TestServer,
    readonly env: Record<string, string>,
  ) {}

  /**
   * A server with room for `room` client sessions (plus the superuser's reserve), pg_stat_statements
   * loaded so a test can count what the monitor sends, and the three domain databases.
   */
  static async start(room: number): Promise<Crowd> {
    const server = await startServer({
      maxConnections: room + 20,
      settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' },
    });
    await createDomainDatabases(server);
    await server.sql(`CREATE ROLE ${REPORTS.user} LOGIN PASSWORD '${REPORTS.password}'`);
    await server.sql(`CREATE DATABASE ${REPORTS.database} OWNER ${REPORTS.user}`);
    await server.sql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const env = {
      ...domainEnv(server),
      REPORTS_DB_HOST: server.host,
      REPORTS_DB_PORT: String(server.port),
      REPORTS_DB_NAME: REPORTS.database,
      REPORTS_DB_USER: REPORTS.user,
      REPORTS_DB_PASSWORD: REPORTS.password,
      REPORTS_DB_SSLMODE: 'disable',
    };
    return new Crowd(server, env);
  }

  get size(): number {
    return this.clients.length;
  }

  /** The three domains as `poolLens.pools` would name them; they share the server, so the monitor holds one connection. */
  domains(): { configs: DomainConfig[]; passwords: Map<string, string> } {
    return domainsFor(
      [
        { name: 'blog', envPrefix: 'BLOG_DB_' },
        { name: 'market', envPrefix: 'MARKET_DB_' },
        { name: 'reports', envPrefix: 'REPORTS_DB_' },
      ],
      this.env,
    );
  }

  /**
   * Opens sessions until `count` are open, `batch` at a time. Stops early, without throwing, when the
   * server or the machine refuses more, and returns the number that are open, so a caller can report
   * how many this machine holds.
   */
  async grow(count: number, batch = 25): Promise<{ open: number; refusal?: string }> {
    while (this.clients.length < count) {
      const start = this.clients.length;
      const size = Math.min(batch, count - start);
      const results = await Promise.allSettled(Array.from({ length: size }, (_, i) => this.open(start + i)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) return { open: this.clients.length, refusal: String((failed.reason as Error)?.message ?? failed.reason) };
    }
    return { open: this.clients.length };
  }

  /** Forgets what pg_stat_statements has recorded so far. */
  async resetStatements(): Promise<void> {
    await this.server.sql('SELECT pg_stat_statements_reset()');
  }

  /**
   * What pg_stat_statements recorded since the last reset from every role but the superuser (whose
   * statements are the test's own), by kind: the monitor's refresh, its session list, or anything else
   * (the first 60 characters). The crowd sends nothing once it is grown, so this is the monitor's traffic.
   */
  async statementsFromOthers(): Promise<Array<{ what: string; calls: number }>> {
    const rows = await this.server.sql<{ query: string; calls: number }>(
      `SELECT s.query, s.calls::int AS calls FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname <> $1`,
      [this.server.superuser],
    );
    const byKind = new Map<string, number>();
    for (const row of rows) {
      const what = row.query.includes('WITH sessions AS') ? 'refresh' : row.query.includes('pg_blocking_pids') ? 'session list' : row.query.replace(/\s+/g, ' ').trim().slice(0, 60);
      byKind.set(what, (byKind.get(what) ?? 0) + row.calls);
    }
    return [...byKind].map(([what, calls]) => ({ what, calls }));
  }

  /** Ends every session (long queries are terminated first, so ending does not wait on them) and the server. */
  async stop(): Promise<void> {
    await this.server
      .sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'crowd-%'`)
      .catch(() => undefined);
    await Promise.all(this.clients.map((client) => client.end().catch(() => undefined)));
    await this.server.stop();
  }

  private async open(index: number): Promise<void> {
    const plan = planOf(index);
    const client = new pg.Client({
      host: this.server.host,
      port: this.server.port,
      database: plan.database,
      user: plan.user,
      password: plan.password,
      application_name: plan.applicationName,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    // Kept in index order would need a lock; the plan is per index, so order in the array does not matter.
    this.clients.push(client);
    if (plan.state === 'idle in transaction') {
      await client.query('BEGIN');
      await client.query('SELECT 1');
    } else if (plan.state === 'active') {
      // Never awaited: the session stays `active` until stop() terminates it.
      client.query('SELECT pg_sleep(3600)').catch(() => undefined);
    }
  }
}
