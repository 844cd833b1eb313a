import { attributeDomain } from './attribution';
import { serverKey, type DomainConfig } from './domains';
import { PgProblem } from './errors';
import type { DatabaseActivity, PoolActivity, ServerSnapshot, SessionRow, Snapshot } from './model';
import { ACTIVITY_SNAPSHOT, CANCEL_BACKEND, MONITOR_APPLICATION_NAME, POOL_SESSIONS, TERMINATE_BACKEND } from './queries';
import { ServerConnection, type ConnectionDeps, type ConnectionTimings } from './serverConnection';

export interface MonitorOptions extends Partial<ConnectionTimings>, ConnectionDeps {
  /** An idle session older than this counts as `idleStale` (default 15 s: node-postgres closes idle clients after 10 s). */
  staleIdleMs?: number;
}

export const MONITOR_DEFAULTS = {
  connectTimeoutMs: 5000,
  statementTimeoutMs: 5000,
  initialBackoffMs: 2000,
  maxBackoffMs: 30_000,
  staleIdleMs: 15_000,
} as const;

/** A server the monitor watches, with the domains that live on it. */
export interface MonitoredServer {
  key: string;
  host: string;
  port: number;
  domains: string[];
}

/**
 * Watches the servers behind the configured domains: domains are grouped by physical server
 * (host:port), and each server gets ONE connection (see `ServerConnection`), whatever the number of
 * domains, refreshes or callers. `snapshot()` sends one aggregate query per server. Nothing here
 * imports vscode; the editor and the CLI drive it.
 */
export class Monitor {
  private readonly connections = new Map<string, ServerConnection>();
  private readonly passwords: Map<string, string>;
  private readonly staleIdleMs: number;
  private inFlight: Promise<Snapshot> | undefined;
  private disposed = false;

  /** `passwords` by domain name, as returned by `resolveDomains` (never part of the configs). */
  constructor(
    domains: readonly DomainConfig[],
    passwords: ReadonlyMap<string, string> = new Map(),
    private readonly options: MonitorOptions = {},
  ) {
    this.passwords = new Map(passwords);
    this.staleIdleMs = options.staleIdleMs ?? MONITOR_DEFAULTS.staleIdleMs;
    const timings: ConnectionTimings = {
      connectTimeoutMs: options.connectTimeoutMs ?? MONITOR_DEFAULTS.connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs ?? MONITOR_DEFAULTS.statementTimeoutMs,
      initialBackoffMs: options.initialBackoffMs ?? MONITOR_DEFAULTS.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? MONITOR_DEFAULTS.maxBackoffMs,
    };
    const byServer = new Map<string, DomainConfig[]>();
    for (const domain of domains) {
      const key = serverKey(domain);
      byServer.set(key, [...(byServer.get(key) ?? []), domain]);
    }
    for (const [key, group] of byServer) {
      this.connections.set(key, new ServerConnection(key, group, this.passwords, timings, options));
    }
  }

  get servers(): MonitoredServer[] {
    return [...this.connections.values()].map((c) => ({ key: c.key, host: c.host, port: c.port, domains: c.domains.map((d) => d.name) }));
  }

  /**
   * Supplies (or, with undefined, forgets) the password of one domain, e.g. one the user just typed.
   * The server's next refresh tries again at once instead of waiting out its backoff.
   */
  setPassword(domain: string, password: string | undefined): void {
    if (password === undefined) this.passwords.delete(domain);
    else this.passwords.set(domain, password);
    for (const connection of this.connections.values()) {
      if (connection.domains.some((d) => d.name === domain)) connection.retryNow();
    }
  }

  /** Skips the backoff of one server (or all), for a "Retry now" action. */
  retryNow(serverKey?: string): void {
    for (const connection of this.connections.values()) if (serverKey === undefined || connection.key === serverKey) connection.retryNow();
  }

  /**
   * Activity of every server. Calls made while one is running share its result, so overlapping
   * refreshes neither queue up nor open anything. A server that fails is reported with one sentence
   * and the others are unaffected.
   */
  snapshot(): Promise<Snapshot> {
    if (this.disposed) return Promise.reject(new PgProblem('other', 'The monitor was closed.'));
    this.inFlight ??= this.takeSnapshot().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** The sessions of one pool: database + application_name (+ user when given). */
  async sessions(serverKey: string, database: string, applicationName: string, user?: string): Promise<SessionRow[]> {
    const rows = await this.connection(serverKey).query<RawSession>(POOL_SESSIONS, [database, applicationName, user ?? null]);
    return rows.map(toSessionRow);
  }

  /** Cancels the running query of `pid`. Resolves false when no such session exists any more. */
  cancel(serverKey: string, pid: number): Promise<boolean> {
    return this.signal(serverKey, pid, CANCEL_BACKEND);
  }

  /** Ends the session `pid`. Resolves false when no such session exists any more. */
  terminate(serverKey: string, pid: number): Promise<boolean> {
    return this.signal(serverKey, pid, TERMINATE_BACKEND);
  }

  /** Ends every connection; the monitor cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.connections.values()].map((c) => c.dispose()));
  }

  private async signal(serverKey: string, pid: number, sql: string): Promise<boolean> {
    if (!Number.isInteger(pid) || pid <= 0) throw new PgProblem('other', `'${pid}' is not a process id.`);
    const rows = await this.connection(serverKey).query<{ signalled: boolean | null }>(sql, [pid]);
    return rows[0]?.signalled === true;
  }

  private connection(key: string): ServerConnection {
    const connection = this.connections.get(key);
    if (!connection) throw new PgProblem('other', `No configured pool lives on ${key}.`);
    return connection;
  }

  private async takeSnapshot(): Promise<Snapshot> {
    const servers = await Promise.all([...this.connections.values()].map((c) => this.serverSnapshot(c)));
    return { takenAt: Date.now(), servers };
  }

  private async serverSnapshot(connection: ServerConnection): Promise<ServerSnapshot> {
    const base = { key: connection.key, host: connection.host, port: connection.port, domains: connection.domains.map((d) => d.name) };
    let row: RawSnapshot | undefined;
    try {
      [row] = await connection.query<RawSnapshot>(ACTIVITY_SNAPSHOT, [this.staleIdleMs, MONITOR_APPLICATION_NAME]);
    } catch (error) {
      const problem = error instanceof PgProblem ? error : new PgProblem('other', String(error));
      const failure = connection.failure;
      return {
        ...base,
        status: 'error',
        error: problem.message,
        errorKind: problem.kind,
        ...(failure ? { nextAttemptAt: failure.retryAt } : {}),
        databases: emptyDatabases(connection.domains),
      };
    }
    const usable = row.max_connections - row.superuser_reserved_connections - row.reserved_connections;
    return {
      ...base,
      status: 'ok',
      version: row.server_version,
      versionNum: row.server_version_num,
      capacity: {
        maxConnections: row.max_connections,
        superuserReserved: row.superuser_reserved_connections,
        reserved: row.reserved_connections,
        usable,
        used: row.used,
      },
      canReadAllStats: row.can_read_all_stats,
      monitorUser: row.monitor_user,
      ...(connection.encrypted !== undefined ? { encrypted: connection.encrypted } : {}),
      ...(connection.connectedAs ? { monitorDomain: connection.connectedAs.name } : {}),
      ...(connection.skipped.length > 0
        ? { domainProblems: connection.skipped.map((s) => ({ domain: s.domain, error: s.problem.message, errorKind: s.problem.kind })) }
        : {}),
      databases: groupByDatabase(connection.domains, row.pools),
    };
  }
}

interface RawPool {
  database: string;
  application_name: string | null;
  user: string | null;
  total: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
  idle_in_transaction_aborted: number;
  waiting_on_lock: number;
  hidden: number;
  idle_stale: number;
  oldest_idle_in_transaction_ms: number | null;
  oldest_idle_in_transaction_pid: number | null;
  longest_query_ms: number | null;
  longest_query_pid: number | null;
  longest_idle_ms: number | null;
}

interface RawSnapshot {
  server_version: string;
  server_version_num: number;
  max_connections: number;
  superuser_reserved_connections: number;
  reserved_connections: number;
  used: number;
  monitor_user: string;
  can_read_all_stats: boolean;
  pools: RawPool[];
}

interface RawSession {
  pid: number;
  user: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  connected_ms: number | null;
  transaction_ms: number | null;
  query_ms: number | null;
  state_ms: number | null;
  query: string | null;
  blocked_by: number[] | null;
}

function emptyDatabases(domains: readonly DomainConfig[]): DatabaseActivity[] {
  return groupByDatabase(domains, []);
}

/** Every configured database appears (even with no sessions), then any other database seen on the server. */
function groupByDatabase(domains: readonly DomainConfig[], raw: readonly RawPool[]): DatabaseActivity[] {
  const databases = new Map<string, DatabaseActivity>();
  const entry = (name: string) => {
    let found = databases.get(name);
    if (!found) databases.set(name, (found = { name, domains: [], pools: [] }));
    return found;
  };
  for (const domain of domains) entry(domain.database).domains.push(domain.name);
  for (const pool of raw) {
    const applicationName = pool.application_name ?? '';
    const user = pool.user ?? '';
    const domain = attributeDomain(domains, { database: pool.database, applicationName, user });
    const activity: PoolActivity = {
      ...(domain ? { domain } : {}),
      database: pool.database,
      applicationName,
      user,
      counts: {
        total: pool.total,
        active: pool.active,
        idle: pool.idle,
        idleInTransaction: pool.idle_in_transaction,
        idleInTransactionAborted: pool.idle_in_transaction_aborted,
        waitingOnLock: pool.waiting_on_lock,
        hidden: pool.hidden,
        idleStale: pool.idle_stale,
      },
      oldestIdleInTransactionMs: pool.oldest_idle_in_transaction_ms,
      oldestIdleInTransactionPid: pool.oldest_idle_in_transaction_pid,
      longestQueryMs: pool.longest_query_ms,
      longestQueryPid: pool.longest_query_pid,
      longestIdleMs: pool.longest_idle_ms,
    };
    entry(pool.database).pools.push(activity);
  }
  return [...databases.values()];
}

function toSessionRow(raw: RawSession): SessionRow {
  const hidden = raw.state === null;
  return {
    pid: raw.pid,
    user: raw.user ?? '',
    applicationName: raw.application_name ?? '',
    clientAddress: raw.client_addr,
    state: raw.state,
    waitEventType: raw.wait_event_type,
    waitEvent: raw.wait_event,
    connectedMs: raw.connected_ms,
    transactionMs: raw.transaction_ms,
    queryMs: raw.query_ms,
    stateMs: raw.state_ms,
    // Without privileges the server says '<insufficient privilege>'; null says "hidden" without a fake query.
    query: hidden ? null : raw.query,
    blockedBy: raw.blocked_by ?? [],
  };
}
