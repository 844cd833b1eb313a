import * as path from 'node:path';
import { recommendPoolSizes, type SizingPool } from '../core/sizing';
import type { DomainConfig, DomainResolution } from './domains';
import type { Capacity, PoolActivity, Snapshot, StateCounts } from './model';
import { acquisitionPath, type CompanionReading } from '../workspace/companions';
import type { AppPoolSnapshot, CheckoutRecord } from '../runtime/protocol';
import type { DiscoveredPool } from '../workspace/poolDiscovery';
import { appPoolsFor, longCheckouts, type AppPoolMatch, type ServerPoolIdentity } from './appPools';

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
  /** The pool as each running app process sees it, from its runtime companion; absent without one. */
  app?: ReportedAppPool[];
}

/** The counters a running app's companion reports for a pool, as the report shows them. */
type AppCounters = Pick<
  AppPoolSnapshot,
  'name' | 'max' | 'totalCount' | 'idleCount' | 'waitingCount' | 'checkedOut' | 'peakCheckedOut' | 'peakWaiting' | 'checkoutsTotal'
>;

/** One instrumented pool of one running process (`pool-lens/runtime`). */
export interface ReportedAppPool extends AppCounters {
  pid: number;
  /** Checkouts held at least `checkoutWarnMs`, longest first. */
  longCheckouts: Array<Pick<CheckoutRecord, 'id' | 'ageMs' | 'backendPid' | 'file' | 'line' | 'column'> & { place?: string }>;
  /** Callers waited for a client while the server had spare connections: one sentence, else absent. */
  maxTooSmall?: string;
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
  /** What the workspace's runtime companions said (`readCompanions`); none: no app figures. */
  companions?: readonly CompanionReading[];
  /** A checkout held this long is listed (`poolLens.checkoutWarnMs`); default 10 s. */
  checkoutWarnMs?: number;
}

const DEFAULT_CHECKOUT_WARN_MS = 10_000;

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
    if (inputs.companions?.length) {
      const spare = server.capacity ? server.capacity.usable - server.capacity.used : undefined;
      // A domain's app pools are counted once, on its first row, even when its sessions come as several rows.
      const claimedApps = new Set<AppPoolMatch['pool']>();
      for (const pool of pools) {
        const identity: ServerPoolIdentity = { database: pool.database, ...(pool.domain !== undefined ? { domain: pool.domain } : {}), ...(pool.applicationName !== undefined ? { applicationName: pool.applicationName } : {}), user: pool.user };
        const matches = appPoolsFor(inputs.companions, identity).filter((match) => !claimedApps.has(match.pool));
        matches.forEach((match) => claimedApps.add(match.pool));
        if (matches.length) pool.app = matches.map((match) => appFigures(match, spare, inputs.checkoutWarnMs ?? DEFAULT_CHECKOUT_WARN_MS));
      }
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
    // The app's own peak of clients checked out at once beats one look at the server's sessions.
    const appPeak = Math.max(0, ...mine.flatMap((p) => (p.app ?? []).map((app) => app.peakCheckedOut)));
    const observedPeak = appPeak > 0 ? appPeak : sessions > 0 ? Math.ceil(sessions / instances) : undefined;
    return {
      name: config.name,
      instances,
      ...(known ? { currentMax: Math.max(...maxes) } : {}),
      ...(observedPeak !== undefined ? { observedPeak } : {}),
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

function appFigures(match: AppPoolMatch, spare: number | undefined, checkoutWarnMs: number): ReportedAppPool {
  const { pool, companion } = match;
  const waited = pool.waitingCount > 0 || pool.peakWaiting > 0;
  const figures: ReportedAppPool = {
    pid: companion.endpoint.pid,
    name: pool.name,
    max: pool.max,
    totalCount: pool.totalCount,
    idleCount: pool.idleCount,
    waitingCount: pool.waitingCount,
    checkedOut: pool.checkedOut,
    peakCheckedOut: pool.peakCheckedOut,
    peakWaiting: pool.peakWaiting,
    checkoutsTotal: pool.checkoutsTotal,
    longCheckouts: longCheckouts(pool, checkoutWarnMs).map((checkout) => {
      const file = acquisitionPath(companion.endpoint, checkout);
      return {
        id: checkout.id,
        ageMs: checkout.ageMs,
        ...(checkout.backendPid !== undefined ? { backendPid: checkout.backendPid } : {}),
        ...(file !== undefined ? { file } : {}),
        ...(checkout.line !== undefined ? { line: checkout.line } : {}),
        ...(checkout.column !== undefined ? { column: checkout.column } : {}),
        ...(file !== undefined && checkout.line !== undefined ? { place: `${shortPath(companion.endpoint.cwd, file)}:${checkout.line}` } : {}),
      };
    }),
  };
  if (waited && spare !== undefined && spare > 0) {
    const waiting = pool.waitingCount > 0 ? `${pool.waitingCount} caller${pool.waitingCount === 1 ? ' is' : 's are'} waiting for a client now` : `up to ${pool.peakWaiting} caller${pool.peakWaiting === 1 ? '' : 's'} waited for a client at once`;
    figures.maxTooSmall = `In process ${figures.pid}, ${waiting} while the server had ${spare} spare connection${spare === 1 ? '' : 's'}: pool '${pool.name}' max ${pool.max} is too small for its load.`;
  }
  return figures;
}

/** A file relative to the app's working directory when it lies inside it, else as it is. */
function shortPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
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
