/**
 * `pool-lens/runtime`: the runtime companion's entry point (bundled to dist/runtime.js). It imports neither
 * `vscode` nor `pg`: it works on the pool object the app hands it, made by the app's own pg.
 */
import { processCompanion, type CompanionHandle, type InstrumentOptions } from './companion';

export type { CompanionHandle, InstrumentOptions } from './companion';
export type { AppPoolSnapshot, CheckoutRecord, CompanionEndpoint, CompanionSnapshot } from './protocol';

/**
 * Follows `pool`'s checkouts and serves them to Pool Lens (see docs/RUNTIME.md). The pool behaves exactly as
 * before. Instrumenting a pool twice returns the first handle (renamed when `name` is given).
 */
export function instrument(pool: unknown, options?: InstrumentOptions): CompanionHandle {
  return processCompanion().instrument(pool, options);
}
