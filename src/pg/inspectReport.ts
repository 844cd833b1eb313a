import { recommendPoolSizes, type SizingPool } from '../core/sizing';
import type { DomainConfig, DomainResolution } from './domains';
import type { Capacity, PoolActivity, Snapshot, StateCounts } from './model';
import type { DiscoveredPool } from '../workspace/poolDiscovery';

/** node-postgres's `max` when the code does not set one. */
const PG_DEFAULT_MAX = 10;

export interface CodeLocation {
  file: string;
  line: number;
  column: number;
  /** The `max` in the code: a number, `unknown` when computed at run time, or the pg default when absent. */
  max: number | 'unknown';
}

export interface ReportedPool {
  domain: string | undefined;
  database: string;
  applicationName: string | undefined;
  user: string;
  counts: StateCounts;
  leaks: {
    idleInTransaction: number;
    oldestIdleInTransactionMs: number | null;
    oldestIdleInTransactionPid: number | null;
    /** Idle longer than `staleAfterMs` although the pool closes idle clients sooner: checked out, never released? */
    idleStale: number;
    staleAfterMs: number;
  };
  longestQueryMs: number | null;
  code: CodeLocation[];
  recommendedMax: number | undefined;
}

export interface ReportedServer {
  key: string;
  status: 'ok' | 'error';
  error?: string;
  version?: string;
  capacity?: Capacity;
  canReadAllStats?: boolean;
  pools: ReportedPool[];
  sizing?: { usable: number; budget: number; lines: string[]; warnings: string[] };
}

export interface InspectReport {
  source: 'settings' | 'code';
  servers: ReportedServer[];
  /** Domains that could not be resolved, one sentence each. */
  domainErrors: string[];
  /** Pools in the code that belong to no inspected domain. */
  otherCode: CodeLocation[];
  warnings: string[];
}

export interface ReportInputs {
  source: 'settings' | 'code';
  snapshot: Snapshot;
  resolutions: readonly DomainResolution[];
  configs: readonly DomainConfig[];
  discovered: readonly DiscoveredPool[];
  instances: (domain: string) => number;
  headroom: number | undefined;
  cores: number | undefined;
  staleAfterMs: number;
  warnings: string[];
}

export function buildReport(inputs: ReportInputs): InspectReport {
  const codeOf = (config: DomainConfig) => inputs.discovered.filter((pool) => belongsTo(pool, config));
  const claimed = new Set<DiscoveredPool>();
  const servers = inputs.snapshot.servers.map((server): ReportedServer => {
    const configs = inputs.configs.filter((c) => server.domains.includes(c.name));
    const live = server.databases.flatMap((d) => d.pools);
    const pools: ReportedPool[] = [];
    for (const config of configs) {
      const code = codeOf(config);
      code.forEach((pool) => claimed.add(pool));
      const mine = live.filter((p) => p.domain === config.name);
      const locations = code.map(location);
      if (mine.length === 0) pools.push(reported(config.name, config.database, config.applicationName, config.user, undefined, locations, inputs.staleAfterMs));
      for (const activity of mine) pools.push(reported(config.name, activity.database, activity.applicationName, activity.user, activity, locations, inputs.staleAfterMs));
    }
    for (const activity of live.filter((p) => p.domain === undefined)) {
      pools.push(reported(undefined, activity.database, activity.applicationName, activity.user, activity, [], inputs.staleAfterMs));
    }
    const base: ReportedServer = {
      key: server.key,
      status: server.status,
      ...(server.error ? { error: server.error } : {}),
      ...(server.version ? { version: server.version } : {}),
      ...(server.capacity ? { capacity: server.capacity } : {}),
      ...(server.canReadAllStats !== undefined ? { canReadAllStats: server.canReadAllStats } : {}),
      pools,
    };
    if (!server.capacity || configs.length === 0) return base;
    return { ...base, ...size(server.capacity, configs, pools, inputs) };
  });
  return {
    source: inputs.source,
    servers,
    domainErrors: [
      ...inputs.resolutions.flatMap((r) => (r.ok ? [] : [r.error])),
      ...inputs.snapshot.servers.flatMap((s) => (s.domainProblems ?? []).map((p) => `Pool '${p.domain}': ${p.error}`)),
    ],
    otherCode: inputs.discovered.filter((p) => !claimed.has(p)).map(location),
    warnings: inputs.warnings,
  };
}

/** Sizes the server's domains together and writes each domain's recommendation into its pools. */
function size(capacity: Capacity, configs: readonly DomainConfig[], pools: ReportedPool[], inputs: ReportInputs): Pick<ReportedServer, 'sizing'> {
  const sizingPools = configs.map((config): SizingPool => {
    const instances = inputs.instances(config.name);
    const mine = pools.filter((p) => p.domain === config.name);
    const maxes = mine.flatMap((p) => p.code.map((c) => c.max));
    const known = maxes.length > 0 && maxes.every((m): m is number => m !== 'unknown');
    const sessions = mine.reduce((sum, p) => sum + p.counts.total, 0);
    return {
      name: config.name,
      instances,
      ...(known ? { currentMax: Math.max(...maxes) } : {}),
      ...(sessions > 0 ? { observedPeak: Math.ceil(sessions / instances) } : {}),
    };
  });
  const result = recommendPoolSizes({
    maxConnections: capacity.maxConnections,
    superuserReserved: capacity.superuserReserved,
    reserved: capacity.reserved,
    ...(inputs.headroom !== undefined ? { headroom: inputs.headroom } : {}),
    ...(inputs.cores !== undefined ? { cores: inputs.cores } : {}),
    pools: sizingPools,
  });
  for (const pool of pools) {
    pool.recommendedMax = result.recommendations.find((r) => r.name === pool.domain)?.max;
  }
  return { sizing: { usable: result.usable, budget: result.budget, lines: result.lines, warnings: result.warnings } };
}

function belongsTo(pool: DiscoveredPool, config: DomainConfig): boolean {
  if (config.envPrefix !== undefined) return pool.domain?.envPrefix === config.envPrefix;
  const app = pool.options.applicationName;
  return config.applicationName !== undefined && app.kind === 'literal' && app.value === config.applicationName;
}

function location(pool: DiscoveredPool): CodeLocation {
  const max = pool.options.max;
  return {
    file: pool.file,
    line: pool.line,
    column: pool.column,
    max: max.kind === 'literal' ? max.value : max.kind === 'absent' ? PG_DEFAULT_MAX : 'unknown',
  };
}

function reported(
  domain: string | undefined,
  database: string,
  applicationName: string | undefined,
  user: string,
  activity: PoolActivity | undefined,
  code: CodeLocation[],
  staleAfterMs: number,
): ReportedPool {
  const counts = activity?.counts ?? { total: 0, active: 0, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, waitingOnLock: 0, hidden: 0, idleStale: 0 };
  return {
    domain,
    database,
    applicationName,
    user,
    counts,
    leaks: {
      idleInTransaction: counts.idleInTransaction + counts.idleInTransactionAborted,
      oldestIdleInTransactionMs: activity?.oldestIdleInTransactionMs ?? null,
      oldestIdleInTransactionPid: activity?.oldestIdleInTransactionPid ?? null,
      idleStale: counts.idleStale,
      staleAfterMs,
    },
    longestQueryMs: activity?.longestQueryMs ?? null,
    code,
    recommendedMax: undefined,
  };
}
