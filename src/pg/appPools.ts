import type { AppPoolSnapshot, CheckoutRecord, CompanionAnswer, CompanionReading } from '../workspace/companions';

/**
 * Which running app pools (from runtime companions) belong to a pool the server shows: the app pool's
 * name is the domain's name, else its database and application_name (and user, when the app states
 * one) are those of the server's sessions. Shared by the Pools view and the Inspect Pools report.
 */

/** One instrumented pool of one running process. */
export interface AppPoolMatch {
  companion: CompanionAnswer;
  pool: AppPoolSnapshot;
}

/** What identifies a pool on the server side; `applicationName` undefined when the domain does not say. */
export interface ServerPoolIdentity {
  domain?: string;
  database: string;
  applicationName?: string;
  user?: string;
}

export function appPoolsFor(readings: readonly CompanionReading[] | undefined, pool: ServerPoolIdentity): AppPoolMatch[] {
  const matches: AppPoolMatch[] = [];
  for (const reading of readings ?? []) {
    if (!reading.ok) continue;
    for (const appPool of reading.snapshot.pools) {
      if (belongsTo(appPool, pool)) matches.push({ companion: reading, pool: appPool });
    }
  }
  return matches;
}

/**
 * App pools with open clients that belong to none of `pools` (nor to a domain in `domains`), so no view
 * shows them: the user is told how to name them instead of seeing nothing.
 */
export function unmatchedAppPools(readings: readonly CompanionReading[] | undefined, pools: readonly ServerPoolIdentity[], domains: readonly string[]): AppPoolMatch[] {
  const unmatched: AppPoolMatch[] = [];
  for (const reading of readings ?? []) {
    if (!reading.ok) continue;
    for (const appPool of reading.snapshot.pools) {
      if (appPool.totalCount === 0 || domains.includes(appPool.name) || pools.some((pool) => belongsTo(appPool, pool))) continue;
      unmatched.push({ companion: reading, pool: appPool });
    }
  }
  return unmatched;
}

function belongsTo(appPool: AppPoolSnapshot, pool: ServerPoolIdentity): boolean {
  if (pool.domain !== undefined && appPool.name === pool.domain) return true;
  if (appPool.database === undefined || appPool.applicationName === undefined || pool.applicationName === undefined) return false;
  return (
    appPool.database === pool.database &&
    appPool.applicationName === pool.applicationName &&
    (appPool.user === undefined || pool.user === undefined || appPool.user === pool.user)
  );
}

/** Checkouts held at least `warnMs`, longest first. */
export function longCheckouts(pool: AppPoolSnapshot, warnMs: number): CheckoutRecord[] {
  return pool.checkouts.filter((checkout) => checkout.ageMs >= warnMs).sort((a, b) => b.ageMs - a.ageMs);
}
