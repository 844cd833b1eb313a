import type { ProblemKind } from './errors';

/** The typed activity model the monitor produces; plain data, safe to serialise (no passwords). */

/** Sessions of one pool by state. `hidden` rows are ones the monitor's role may not inspect. */
export interface StateCounts {
  total: number;
  active: number;
  idle: number;
  idleInTransaction: number;
  idleInTransactionAborted: number;
  /** Waiting on a lock (`wait_event_type = 'Lock'`), not merely waiting for the client. */
  waitingOnLock: number;
  /** Rows whose state the monitor cannot see (no pg_read_all_stats); counted, never dropped. */
  hidden: number;
  /** Idle for longer than the monitor's `staleIdleMs`: likely a checkout that was never released. */
  idleStale: number;
}

/** The sessions of one (database, application_name, user) on one server. */
export interface PoolActivity {
  /** The configured domain these sessions belong to, when it can be told. */
  domain?: string;
  database: string;
  applicationName: string;
  user: string;
  counts: StateCounts;
  /** Age of the oldest open transaction among idle-in-transaction sessions. */
  oldestIdleInTransactionMs: number | null;
  oldestIdleInTransactionPid: number | null;
  longestQueryMs: number | null;
  longestQueryPid: number | null;
  /** How long the longest-idle session has been idle. */
  longestIdleMs: number | null;
}

export interface DatabaseActivity {
  name: string;
  /** Configured domains using this database (empty for databases only seen on the server). */
  domains: string[];
  pools: PoolActivity[];
}

/** Connection slots. `usable` = max − superuser reserved − reserved; `used` counts every client session, the monitor's included. */
export interface Capacity {
  maxConnections: number;
  superuserReserved: number;
  reserved: number;
  usable: number;
  used: number;
}

export interface ServerSnapshot {
  /** `host:port`. */
  key: string;
  host: string;
  port: number;
  /** Domains configured on this server, in settings order. */
  domains: string[];
  status: 'ok' | 'error';
  /** One sentence, when `status` is `error`. */
  error?: string;
  errorKind?: ProblemKind;
  /** When the next connection attempt is due (ms since the epoch) while the server is failing. */
  nextAttemptAt?: number;
  version?: string;
  versionNum?: number;
  capacity?: Capacity;
  /** Whether the monitor's role has pg_read_all_stats (or is superuser) and so sees every state. */
  canReadAllStats?: boolean;
  /** Whether the monitor's connection is TLS; `prefer`/`allow` fall back to plain TCP when the server offers no TLS. */
  encrypted?: boolean;
  /** The role and domain the monitor connected as. */
  monitorUser?: string;
  monitorDomain?: string;
  /** Domains whose own credentials or database failed while the monitor got in as another domain. */
  domainProblems?: Array<{ domain: string; error: string; errorKind: ProblemKind }>;
  databases: DatabaseActivity[];
}

export interface Snapshot {
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
  servers: ServerSnapshot[];
}

/** One session of a pool, from `Monitor.sessions`. Ages are in ms; null when unknown or hidden. */
export interface SessionRow {
  pid: number;
  user: string;
  applicationName: string;
  clientAddress: string | null;
  /** null when the monitor's role may not see it. */
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  connectedMs: number | null;
  transactionMs: number | null;
  queryMs: number | null;
  stateMs: number | null;
  /** The current or last statement, up to 1024 characters; null when hidden. */
  query: string | null;
  /** Pids holding the lock this session waits for (only for lock waits). */
  blockedBy: number[];
}
