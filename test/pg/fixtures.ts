import pg from 'pg';
import { resolveDomains, type DomainConfig } from '../../src/pg/domains';
import type { TestServer } from './server';

/**
 * Two domain databases (blog, market) with their own roles, and two monitor roles, on one server. The
 * blog role may read all statistics, as a developer would grant it so that a monitor connecting as blog
 * sees the market sessions' states too.
 */
export const ROLES = {
  blog: { user: 'blog_app', password: 'blog-secret-pw' },
  market: { user: 'market_app', password: 'market-secret-pw' },
  plainMonitor: { user: 'watcher_plain', password: 'plain-secret-pw' },
  statsMonitor: { user: 'watcher_stats', password: 'stats-secret-pw' },
} as const;

export async function createDomainDatabases(server: TestServer): Promise<void> {
  for (const role of Object.values(ROLES)) {
    await server.sql(`CREATE ROLE ${role.user} LOGIN PASSWORD '${role.password}'`);
  }
  await server.sql(`GRANT pg_read_all_stats TO ${ROLES.statsMonitor.user}, ${ROLES.blog.user}`);
  await server.sql(`CREATE DATABASE blog OWNER ${ROLES.blog.user}`);
  await server.sql(`CREATE DATABASE market OWNER ${ROLES.market.user}`);
}

/** The environment an app with BLOG_DB_* and MARKET_DB_* variables would have. */
export function domainEnv(server: TestServer, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [prefix, role, database] of [
    ['BLOG_DB_', ROLES.blog, 'blog'],
    ['MARKET_DB_', ROLES.market, 'market'],
  ] as const) {
    env[`${prefix}HOST`] = server.host;
    env[`${prefix}PORT`] = String(server.port);
    env[`${prefix}NAME`] = database;
    env[`${prefix}USER`] = role.user;
    env[`${prefix}PASSWORD`] = role.password;
    env[`${prefix}SSLMODE`] = 'disable';
  }
  return { ...env, ...overrides };
}

/** Resolves `poolLens.pools` entries against an environment and fails the test on any domain error. */
export function domainsFor(pools: unknown, env: Record<string, string>): { configs: DomainConfig[]; passwords: Map<string, string> } {
  const resolved = resolveDomains({ pools, env });
  const errors = resolved.domains.flatMap((d) => (d.ok ? [] : [d.error]));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return { configs: resolved.domains.flatMap((d) => (d.ok ? [d.config] : [])), passwords: resolved.passwords };
}

export function appPool(server: TestServer, domain: 'blog' | 'market', applicationName: string): pg.Pool {
  const role = ROLES[domain];
  const pool = new pg.Pool({
    host: server.host,
    port: server.port,
    database: domain,
    user: role.user,
    password: role.password,
    application_name: applicationName,
    max: 5,
    idleTimeoutMillis: 60_000,
  });
  pool.on('error', () => undefined);
  return pool;
}

/** A checked-out client whose errors (e.g. being terminated) do not crash the test process. */
export async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; pid: number }> {
  const client = await pool.connect();
  client.on('error', () => undefined);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0].pid };
}

export async function monitorConnectionCount(server: TestServer): Promise<number> {
  const rows = await server.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pool-lens-monitor'`);
  return rows[0].n;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
