import * as path from 'node:path';
import { longCheckouts, type AppPoolMatch } from '../pg/appPools';
import type { SessionRow } from '../pg/model';
import { acquisitionPath, type AppPoolSnapshot, type CheckoutRecord, type CompanionAnswer } from '../workspace/companions';
import { codeBlock, escapeMarkdown, formatAge, plural } from './format';

/**
 * The app-side layer of the Pools view, as plain data: what a running companion (`pool-lens/runtime`)
 * says about a pool next to what the server says: the wording of the app and checkout nodes, and the
 * cross-check of each long checkout with the server's session of its backend. Which app pool belongs to
 * which server pool is `pg/appPools.ts`, shared with the report. No `vscode`.
 */

/**
 * What the server says about the backend of a checkout held too long:
 * `release` the client sits idle, so the code forgot `release()`; `commit` it sits idle in a transaction,
 * so the code forgot COMMIT/ROLLBACK (and holds its locks).
 */
export interface CheckoutFlag {
  kind: 'release' | 'commit';
  /** A few words for the description. */
  short: string;
  sentence: string;
}

/**
 * The server's verdict on a long checkout: its backend idle (or idle in a transaction) for at least
 * `warnMs` while the app still holds the client. Active backends and unknown ones get no flag.
 */
export function checkoutFlag(checkout: CheckoutRecord, rows: readonly SessionRow[] | undefined, warnMs: number): CheckoutFlag | undefined {
  if (checkout.backendPid === undefined || !rows) return undefined;
  const row = rows.find((candidate) => candidate.pid === checkout.backendPid);
  if (!row || row.stateMs === null || row.stateMs < warnMs) return undefined;
  if (row.state === 'idle') {
    return {
      kind: 'release',
      short: 'release() missing?',
      sentence: `The app has held this client for ${formatAge(checkout.ageMs)}, and the server has seen it idle for ${formatAge(row.stateMs)}: a forgotten release() on the path that took it.`,
    };
  }
  if (row.state?.startsWith('idle in transaction')) {
    return {
      kind: 'commit',
      short: 'COMMIT/ROLLBACK missing?',
      sentence: `The server has seen this client ${row.state} for ${formatAge(row.stateMs)}: a forgotten COMMIT or ROLLBACK; the transaction holds its locks until it ends.`,
    };
  }
  return undefined;
}

/** The acquisition place relative to the app's working directory when inside it (`src/routes/orders.ts:17`). */
export function acquisitionLabel(companion: CompanionAnswer, checkout: CheckoutRecord): string | undefined {
  const file = acquisitionPath(companion.endpoint, checkout);
  if (!file || checkout.line === undefined) return undefined;
  const relative = path.relative(companion.endpoint.cwd, file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
  return `${shown}:${checkout.line}`;
}

/** `2 checked out · 1 idle · 0 waiting · peak 4`. */
export function appCounters(pool: AppPoolSnapshot): string {
  return `${pool.checkedOut} checked out · ${pool.idleCount} idle · ${pool.waitingCount} waiting · peak ${pool.peakCheckedOut}`;
}

export function appNodeLabel(match: AppPoolMatch): string {
  return `app · process ${match.companion.endpoint.pid}`;
}

export function appNodeTooltip(match: AppPoolMatch, warnMs: number): string {
  const { pool, companion } = match;
  const long = longCheckouts(pool, warnMs);
  return [
    `**${escapeMarkdown(pool.name)}** as the app sees it (process ${companion.endpoint.pid}, ${escapeMarkdown(companion.endpoint.cwd)}), from its Pool Lens runtime companion.`,
    `${pool.checkedOut} checked out · ${pool.idleCount} idle · ${pool.totalCount} open of max ${pool.max} · ${pool.waitingCount} waiting for a client`,
    `Peak: ${pool.peakCheckedOut} checked out at once, ${pool.peakWaiting} waiting at once; ${plural(pool.checkoutsTotal, 'checkout')} since the app started.`,
    ...(long.length ? [`$(warning) ${plural(long.length, 'checkout')} held longer than ${formatAge(warnMs)} (\`poolLens.checkoutWarnMs\`).`] : []),
    ...(pool.waitingCount > 0 ? [`$(warning) ${plural(pool.waitingCount, 'caller')} waiting for a client: the pool's max ${pool.max} is reached.`] : []),
  ].join('\n\n');
}

export function checkoutTooltip(match: AppPoolMatch, checkout: CheckoutRecord, flag: CheckoutFlag | undefined): string {
  const place = acquisitionLabel(match.companion, checkout);
  return [
    `**Checkout #${checkout.id}** of ${escapeMarkdown(match.pool.name)}, held for ${formatAge(checkout.ageMs)} (since ${escapeMarkdown(checkout.acquiredAt)})${checkout.backendPid !== undefined ? ` · server pid ${checkout.backendPid}` : ''}.`,
    place ? `Taken at ${escapeMarkdown(place)}; click to open it.` : 'The stack holds no frame outside pg and the companion.',
    ...(flag ? [`$(warning) ${escapeMarkdown(flag.sentence)}`] : []),
    ...(checkout.stack.length ? [codeBlock(checkout.stack.join('\n'), 'text')] : []),
  ].join('\n\n');
}
