/**
 * Types of `pool-lens/runtime` (package.json "exports" → "./runtime" → "types"), written by hand so the package
 * ships no TypeScript sources; test/runtime/types.test.ts fails to type-check when they drift from
 * src/runtime/index.ts and src/runtime/protocol.ts.
 */

export interface InstrumentOptions {
  /** The pool's name in Pool Lens; else its application_name, its database, or `pool-<n>`. */
  name?: string;
  /** Where `.pool-lens/companion-<pid>.json` is written; else `POOL_LENS_WORKSPACE`, else the working directory. */
  workspace?: string;
}

export interface CompanionHandle {
  readonly name: string;
  /** What a reader would be served for this pool now. */
  snapshot(): AppPoolSnapshot;
  /** Stops following the pool and restores its methods; the last pool's dispose stops the server. */
  dispose(): void;
}

/**
 * Follows `pool`'s checkouts (a `pg.Pool`) and serves them to Pool Lens on 127.0.0.1. The pool behaves exactly
 * as before. Instrumenting a pool twice returns the first handle.
 */
export declare function instrument(pool: unknown, options?: InstrumentOptions): CompanionHandle;

export interface CompanionEndpoint {
  version: 1;
  pid: number;
  host: '127.0.0.1';
  port: number;
  token: string;
  startedAt: string;
  cwd: string;
}

export interface CompanionSnapshot {
  version: 1;
  pid: number;
  takenAt: string;
  pools: AppPoolSnapshot[];
}

export interface AppPoolSnapshot {
  name: string;
  database?: string;
  applicationName?: string;
  host?: string;
  port?: number;
  user?: string;
  max: number;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  checkedOut: number;
  peakCheckedOut: number;
  peakWaiting: number;
  checkoutsTotal: number;
  checkouts: CheckoutRecord[];
}

export interface CheckoutRecord {
  id: number;
  acquiredAt: string;
  ageMs: number;
  backendPid?: number;
  file?: string;
  line?: number;
  column?: number;
  stack: string[];
}
