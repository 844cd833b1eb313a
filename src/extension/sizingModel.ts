import { DEFAULT_HEADROOM, recommendPoolSizes, type SizingInput, type SizingResult } from '../core/sizing';
import { appPoolsFor } from '../pg/appPools';
import type { DomainConfig } from '../pg/domains';
import type { Snapshot } from '../pg/model';
import type { CompanionReading } from '../workspace/companions';
import type { DiscoveredPool } from '../workspace/poolDiscovery';

/**
 * The sizing calculator's data, without `vscode`: what the webview is prefilled with, the messages
 * both sides exchange, and the check of what the webview sends (it is untrusted input). The maths is
 * `core/sizing.ts`; nothing here computes a size.
 */

/** node-postgres's `max` when the code does not set one. */
export const PG_DEFAULT_MAX = 10;

/** One server's inputs as the calculator opens: from the live server when it answers, else editable defaults. */
export interface SizingPrefill {
  /** `host:port`, or `manual` when no live server is known. */
  key: string;
  /** Where the numbers come from, shown above the form. */
  origin: string;
  input: SizingInput;
}

export type WebviewMessage = { type: 'ready' } | { type: 'compute'; key: string; input: SizingInput };

export type HostMessage =
  | { type: 'init'; servers: SizingPrefill[] }
  | { type: 'result'; key: string; result: SizingResult }
  | { type: 'invalid'; key: string; message: string };

/**
 * One entry per live server that answered, with its connection limits and one pool per domain on it
 * (current `max` from the code; as the observed peak, the most clients a running app held checked out at
 * once when a runtime companion says so, else the sessions seen now). Without a live server: one
 * "manual" entry with PostgreSQL's default limits and the pools found in the code.
 */
export function prefillSizing(
  snapshot: Snapshot | undefined,
  domains: readonly DomainConfig[],
  code: readonly DiscoveredPool[],
  companions: readonly CompanionReading[] = [],
): SizingPrefill[] {
  const servers: SizingPrefill[] = [];
  for (const server of snapshot?.servers ?? []) {
    if (server.status !== 'ok' || !server.capacity) continue;
    const names = server.domains.length ? server.domains : [...new Set(server.databases.map((d) => d.name))];
    const pools = names.map((name) => {
      const domain = domains.find((d) => d.name === name);
      const sessions = server.databases.flatMap((d) => d.pools).filter((p) => p.domain === name || (!domain && p.database === name));
      const appPeak = Math.max(0, ...sessions.flatMap((p) => appPoolsFor(companions, p).map((match) => match.pool.peakCheckedOut)));
      const seen = appPeak > 0 ? appPeak : sessions.reduce((sum, p) => sum + p.counts.total, 0);
      const currentMax = domain ? codeMax(code.filter((pool) => belongsTo(pool, domain))) : undefined;
      return { name, instances: 1, ...(currentMax !== undefined ? { currentMax } : {}), ...(seen > 0 ? { observedPeak: seen } : {}) };
    });
    if (pools.length === 0) continue;
    const c = server.capacity;
    servers.push({
      key: server.key,
      origin: `live from ${server.key}${server.version ? ` (PostgreSQL ${server.version})` : ''}`,
      input: { maxConnections: c.maxConnections, superuserReserved: c.superuserReserved, reserved: c.reserved, headroom: DEFAULT_HEADROOM, pools },
    });
  }
  if (servers.length > 0) return servers;

  const fromCode = new Map<string, number[]>();
  for (const pool of code) {
    const name = pool.domain?.name ?? `${pool.file}:${pool.line}`;
    const max = pool.options.max;
    fromCode.set(name, [...(fromCode.get(name) ?? []), max.kind === 'literal' ? max.value : max.kind === 'absent' ? PG_DEFAULT_MAX : Number.NaN]);
  }
  const pools = [...fromCode].map(([name, maxes]) => {
    const known = maxes.every((m) => Number.isInteger(m) && m >= 1);
    return { name, instances: 1, ...(known ? { currentMax: Math.max(...maxes) } : {}) };
  });
  return [
    {
      key: 'manual',
      origin: 'no live server: PostgreSQL defaults (max_connections 100, superuser_reserved_connections 3); edit them to match yours',
      input: { maxConnections: 100, superuserReserved: 3, reserved: 0, headroom: DEFAULT_HEADROOM, pools: pools.length ? pools : [{ name: 'app', instances: 1 }] },
    },
  ];
}

/** Whether a pool in the code belongs to a configured domain: same env prefix, else same application_name. */
export function belongsTo(pool: DiscoveredPool, domain: Pick<DomainConfig, 'name' | 'applicationName'> & { envPrefix?: string }): boolean {
  if (pool.domain && domain.envPrefix !== undefined) return pool.domain.envPrefix === domain.envPrefix;
  const app = pool.options.applicationName;
  if (domain.applicationName !== undefined && app.kind === 'literal') return app.value === domain.applicationName;
  return pool.domain?.name === domain.name;
}

/** The largest `max` among a domain's pools in the code, or undefined when one is computed at run time. */
function codeMax(pools: readonly DiscoveredPool[]): number | undefined {
  if (pools.length === 0) return undefined;
  const maxes = pools.map((pool) => (pool.options.max.kind === 'literal' ? pool.options.max.value : pool.options.max.kind === 'absent' ? PG_DEFAULT_MAX : undefined));
  return maxes.every((m): m is number => m !== undefined && Number.isInteger(m) && m >= 1) ? Math.max(...maxes) : undefined;
}

/** Checks a message from the webview; undefined when it is not one the calculator sends. */
export function parseWebviewMessage(message: unknown): WebviewMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type !== 'compute' || typeof m.key !== 'string' || typeof m.input !== 'object' || m.input === null) return undefined;
  const input = m.input as Record<string, unknown>;
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  if (!Array.isArray(input.pools)) return undefined;
  const pools = input.pools.map((raw) => {
    const pool = (raw ?? {}) as Record<string, unknown>;
    return {
      name: typeof pool.name === 'string' ? pool.name : '',
      instances: number(pool.instances) ?? Number.NaN,
      ...(number(pool.share) !== undefined ? { share: number(pool.share) } : {}),
      ...(number(pool.currentMax) !== undefined ? { currentMax: number(pool.currentMax) } : {}),
      ...(number(pool.observedPeak) !== undefined ? { observedPeak: number(pool.observedPeak) } : {}),
    };
  });
  const optional = (name: string) => (number(input[name]) !== undefined ? { [name]: number(input[name]) } : {});
  return {
    type: 'compute',
    key: m.key,
    input: {
      maxConnections: number(input.maxConnections) ?? Number.NaN,
      superuserReserved: number(input.superuserReserved) ?? 0,
      reserved: number(input.reserved) ?? 0,
      ...optional('headroom'),
      ...optional('cores'),
      ...optional('spindles'),
      ...(input.serverless === true ? { serverless: true } : {}),
      pools,
    },
  };
}

/** Answers a `compute` message: the recommendation, or the one sentence saying which input is wrong. */
export function answerCompute(key: string, input: SizingInput): HostMessage {
  try {
    return { type: 'result', key, result: recommendPoolSizes(input) };
  } catch (error) {
    if (error instanceof RangeError) return { type: 'invalid', key, message: error.message };
    throw error;
  }
}
