/**
 * Pool-size arithmetic for one physical server: how large each app pool's `max` may be so that every
 * instance of every pool fits in the server's connection slots, with the reasoning a human can check.
 *
 *   usable   = max_connections − superuser_reserved − reserved − headroom
 *   budget   = usable × 80 %   (the rest absorbs rolling deploys, where old and new instances overlap)
 *   max_p    = ⌊budget × share_p ÷ instances_p⌋, at least 1   (shares default to equal, normalised)
 *
 * Cross-check (HikariCP, PostgreSQL wiki): a server runs about (cores × 2) + spindles queries at once
 * efficiently; more busy connections only queue inside PostgreSQL.
 */

export interface SizingPool {
  name: string;
  /** Processes running this pool at once (replicas, cluster workers). */
  instances: number;
  /** Relative weight of this pool in the budget; pools without one share equally. */
  share?: number;
  /** The pool's configured `max` today, when known. */
  currentMax?: number;
  /** The most connections one instance was seen to use at once. */
  observedPeak?: number;
}

export interface SizingInput {
  maxConnections: number;
  superuserReserved: number;
  /** `reserved_connections` (PostgreSQL 16+), else 0. */
  reserved: number;
  /** Slots kept free for admin sessions, migrations and cron jobs; default 5. */
  headroom?: number;
  /** Physical cores of the database server (not hyperthreads). */
  cores?: number;
  /** Disks that still seek; 0 when the data is cached or on SSD (the default). */
  spindles?: number;
  pools: SizingPool[];
  /** Instances come and go (serverless, autoscaling): their number has no fixed ceiling. */
  serverless?: boolean;
}

export interface PoolRecommendation {
  name: string;
  max: number;
  /** The arithmetic for this pool, one line each. */
  reasoning: string[];
}

export interface SizingResult {
  /** Slots left for application pools after reserved slots and headroom. */
  usable: number;
  /** 80 % of `usable`, shared between the pools. */
  budget: number;
  recommendations: PoolRecommendation[];
  /** Σ(currentMax × instances) over pools whose current max is known; undefined when none is. */
  totalAtCurrent: number | undefined;
  /** Σ(max × instances) at the recommended values. */
  totalAtRecommended: number;
  /** (cores × 2) + spindles, when the core count was given. */
  activeCeiling: number | undefined;
  warnings: string[];
  /** The whole reasoning, in reading order. */
  lines: string[];
}

export const DEFAULT_HEADROOM = 5;
/** The part of the usable slots handed out to pools. */
export const BUDGET_FRACTION = 0.8;

/** Throws a RangeError with one sentence when an input is not a sensible count. */
export function recommendPoolSizes(input: SizingInput): SizingResult {
  validate(input);
  const headroom = input.headroom ?? DEFAULT_HEADROOM;
  const warnings: string[] = [];
  const lines: string[] = [];

  const usable = Math.max(0, input.maxConnections - input.superuserReserved - input.reserved - headroom);
  lines.push(
    `usable = max_connections ${input.maxConnections} − superuser reserved ${input.superuserReserved} − reserved ${input.reserved} − headroom ${headroom} = ${usable}`,
  );
  if (usable === 0) {
    warnings.push(`max_connections ${input.maxConnections} leaves no connections for applications after reserved slots and headroom; raise max_connections or lower the headroom.`);
  }
  const budget = usable * BUDGET_FRACTION;
  lines.push(`budget = 80% of ${usable} = ${fmt(budget)} (20% stays free for deploys where old and new instances overlap)`);

  const weights = input.pools.map((p) => p.share ?? 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const recommendations = input.pools.map((pool, i) => {
    const share = weights[i] / totalWeight;
    const exact = (budget * share) / pool.instances;
    // The epsilon keeps 9.999999 from binary fractions at 10 when the exact value is whole.
    const max = Math.max(1, Math.floor(exact + 1e-9));
    const reasoning = [`${pool.name}: ${fmt(budget)} × ${fmt(share * 100)}% ÷ ${pool.instances} instance${pool.instances === 1 ? '' : 's'} = ${fmt(exact)} → max ${max}${exact < 1 ? ' (at least 1)' : ''}`];
    if (pool.currentMax !== undefined && pool.currentMax !== max) {
      reasoning.push(`${pool.name}: currently max ${pool.currentMax}; recommended ${max}`);
    }
    if (pool.observedPeak !== undefined) {
      if (pool.observedPeak > max) {
        warnings.push(`Pool '${pool.name}' was seen using ${pool.observedPeak} connections per instance, more than the ${max} that fit; add capacity, fewer instances, or PgBouncer.`);
      } else {
        reasoning.push(`${pool.name}: busiest instance seen using ${pool.observedPeak} of ${max}`);
      }
    }
    return { name: pool.name, max, reasoning };
  });
  for (const r of recommendations) lines.push(...r.reasoning);

  const totalAtRecommended = input.pools.reduce((sum, p, i) => sum + recommendations[i].max * p.instances, 0);
  lines.push(`at the recommended max: ${sumExpression(input.pools.map((p, i) => [recommendations[i].max, p.instances]))} = ${totalAtRecommended} of ${usable} usable`);
  if (totalAtRecommended > usable) {
    warnings.push(`Even at max 1 per instance the pools need ${totalAtRecommended} connection${totalAtRecommended === 1 ? '' : 's'}, more than the ${usable} usable; put PgBouncer in front or run fewer instances.`);
  }

  const known = input.pools.filter((p) => p.currentMax !== undefined);
  const totalAtCurrent = known.length === 0 ? undefined : known.reduce((sum, p) => sum + p.currentMax! * p.instances, 0);
  if (totalAtCurrent !== undefined) {
    const unknown = input.pools.filter((p) => p.currentMax === undefined).map((p) => p.name);
    lines.push(
      `at the current max: ${sumExpression(known.map((p) => [p.currentMax!, p.instances]))} = ${totalAtCurrent} of ${usable} usable${unknown.length ? ` (not counting ${unknown.join(', ')}: max unknown)` : ''}`,
    );
    if (totalAtCurrent > usable) {
      warnings.push(`At their current max the pools can open ${totalAtCurrent} connections, more than the ${usable} usable; under load new connections will fail with "sorry, too many clients already".`);
    }
  }

  let activeCeiling: number | undefined;
  if (input.cores !== undefined) {
    const spindles = input.spindles ?? 0;
    activeCeiling = input.cores * 2 + spindles;
    lines.push(`active ceiling = ${input.cores} cores × 2 + ${spindles} spindles = ${activeCeiling} queries at once`);
    const peaks = input.pools.filter((p) => p.observedPeak !== undefined);
    const busiest = peaks.reduce((sum, p) => sum + p.observedPeak! * p.instances, 0);
    if (peaks.length > 0 && busiest > activeCeiling) {
      warnings.push(`The pools were seen with up to ${busiest} connections in use, above the ${activeCeiling} the server runs at once efficiently; smaller pools with a short queue in the app may be faster.`);
    } else {
      lines.push(
        totalAtRecommended > activeCeiling
          ? `the pools may open ${totalAtRecommended} connections, but only about ${activeCeiling} should be active at the same time; the rest should mostly be idle`
          : `the pools may open ${totalAtRecommended} connections, within the ${activeCeiling} the server runs at once`,
      );
    }
  }

  if (input.serverless) {
    warnings.push('Serverless or autoscaled instances multiply their pools without a fixed ceiling: put PgBouncer in transaction mode (or RDS Proxy) in front, keep each instance\'s max small, and call pool.end() when a handler\'s instance shuts down.');
  }
  return { usable, budget, recommendations, totalAtCurrent, totalAtRecommended, activeCeiling, warnings, lines };
}

function validate(input: SizingInput): void {
  const count = (value: number | undefined, what: string, min: number) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${what} must be a whole number of at least ${min}, not ${value}.`);
  };
  count(input.maxConnections, 'max_connections', 1);
  count(input.superuserReserved, 'superuser_reserved_connections', 0);
  count(input.reserved, 'reserved_connections', 0);
  count(input.headroom, 'headroom', 0);
  count(input.cores, 'cores', 1);
  count(input.spindles, 'spindles', 0);
  if (input.pools.length === 0) throw new RangeError('Give at least one pool to size.');
  const names = new Set<string>();
  for (const pool of input.pools) {
    if (names.has(pool.name)) throw new RangeError(`Pool '${pool.name}' is listed twice.`);
    names.add(pool.name);
    count(pool.instances, `instances of pool '${pool.name}'`, 1);
    count(pool.currentMax, `the current max of pool '${pool.name}'`, 1);
    count(pool.observedPeak, `the observed peak of pool '${pool.name}'`, 0);
    if (pool.share !== undefined && !(Number.isFinite(pool.share) && pool.share > 0)) {
      throw new RangeError(`The share of pool '${pool.name}' must be a positive number, not ${pool.share}.`);
    }
  }
}

function sumExpression(terms: Array<[max: number, instances: number]>): string {
  return terms.map(([max, instances]) => `${max}×${instances}`).join(' + ');
}

/** At most two decimals, without trailing zeros. */
function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}
