import type { PoolActivity, ServerSnapshot, SessionRow, Snapshot, StateCounts } from '../../src/pg/model';

/** Hand-built snapshots for the presentation tests: only what a test states differs from a quiet pool. */

export function counts(partial: Partial<StateCounts>): StateCounts {
  const base = { active: 0, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, waitingOnLock: 0, hidden: 0, idleStale: 0, ...partial };
  const total = partial.total ?? base.active + base.idle + base.idleInTransaction + base.idleInTransactionAborted + base.hidden;
  return { ...base, total };
}

export function pool(partial: Partial<PoolActivity> & Pick<PoolActivity, 'database' | 'applicationName'>): PoolActivity {
  return {
    user: 'app',
    counts: counts({}),
    oldestIdleInTransactionMs: null,
    oldestIdleInTransactionPid: null,
    longestQueryMs: null,
    longestQueryPid: null,
    longestIdleMs: null,
    ...partial,
  };
}

export function okServer(pools: PoolActivity[], partial: Partial<ServerSnapshot> = {}): ServerSnapshot {
  const databases = new Map<string, { name: string; domains: string[]; pools: PoolActivity[] }>();
  for (const domain of partial.domains ?? []) {
    const database = pools.find((p) => p.domain === domain)?.database ?? domain;
    const entry = databases.get(database) ?? { name: database, domains: [], pools: [] };
    entry.domains.push(domain);
    databases.set(database, entry);
  }
  for (const p of pools) {
    const entry = databases.get(p.database) ?? { name: p.database, domains: [], pools: [] };
    entry.pools.push(p);
    databases.set(p.database, entry);
  }
  const used = pools.reduce((sum, p) => sum + p.counts.total, 0) + 1;
  return {
    key: '127.0.0.1:5432',
    host: '127.0.0.1',
    port: 5432,
    domains: [],
    status: 'ok',
    version: '18.0',
    versionNum: 180000,
    capacity: { maxConnections: 100, superuserReserved: 3, reserved: 0, usable: 97, used },
    canReadAllStats: true,
    monitorUser: 'postgres',
    databases: [...databases.values()],
    ...partial,
  };
}

export function snapshotOf(...servers: ServerSnapshot[]): Snapshot {
  return { takenAt: Date.UTC(2026, 10, 22, 12, 0, 0), servers };
}

export function session(partial: Partial<SessionRow> & Pick<SessionRow, 'pid'>): SessionRow {
  return {
    user: 'app',
    applicationName: 'blog-api',
    clientAddress: '127.0.0.1',
    state: 'idle',
    waitEventType: 'Client',
    waitEvent: 'ClientRead',
    connectedMs: 60_000,
    transactionMs: null,
    queryMs: 1_000,
    stateMs: 1_000,
    query: 'SELECT 1',
    blockedBy: [],
    ...partial,
  };
}
