/**
 * The contract between the runtime companion (`pool-lens/runtime`, running inside the user's app) and
 * its readers (the extension's sidebar, Inspect Pools, `pool-lens inspect`). Plain data and one check: this file
 * imports nothing, so both sides can depend on it without pulling in the other.
 *
 * Discovery: a companion writes one endpoint file per process, `<workspace>/.pool-lens/companion-<pid>.json`
 * (mode 0600, next to a `.gitignore` holding `*`), and removes it when the process exits.
 * A reader lists that folder, parses each file as {@link CompanionEndpoint}, and asks
 * `GET http://127.0.0.1:<port>/v1/pools` with the header `Authorization: Bearer <token>`.
 * The answer is a {@link CompanionSnapshot}. Without the right token the companion answers 401 and
 * nothing else; any other method or path gets 404 (or 405). It never accepts a request body.
 */

export const COMPANION_PROTOCOL_VERSION = 1;

/** The folder, relative to the workspace (the app's working directory by default). */
export const COMPANION_FOLDER = '.pool-lens';

/** `companion-<pid>.json`. */
export const COMPANION_FILE_PATTERN = /^companion-(\d+)\.json$/;

/**
 * Whether the process of an endpoint file still runs: a file whose process is gone is stale (a companion
 * cannot remove its file when the app is killed by a signal), so readers skip it and the next companion
 * removes it. `kill(pid, 0)` sends nothing; EPERM means the process exists under another user.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

export const COMPANION_SNAPSHOT_PATH = '/v1/pools';

/** What the endpoint file holds. */
export interface CompanionEndpoint {
  version: typeof COMPANION_PROTOCOL_VERSION;
  pid: number;
  /** Always the loopback address; readers refuse anything else. */
  host: '127.0.0.1';
  port: number;
  /** 32 random bytes, hex. */
  token: string;
  /** ISO 8601. */
  startedAt: string;
  /** The app's working directory, so a reader can resolve relative stack paths. */
  cwd: string;
}

/** The answer to `GET /v1/pools`. */
export interface CompanionSnapshot {
  version: typeof COMPANION_PROTOCOL_VERSION;
  pid: number;
  /** ISO 8601, the companion's clock. */
  takenAt: string;
  pools: AppPoolSnapshot[];
}

/** One instrumented pool, as the app sees it. Never holds a password or a connection string. */
export interface AppPoolSnapshot {
  /** The name given to `instrument(pool, { name })`, else derived (application_name, database, `pool-<n>`). */
  name: string;
  /** From the pool's options, when set: what the server's pg_stat_activity shows, used to match the server view. */
  database?: string;
  applicationName?: string;
  host?: string;
  port?: number;
  user?: string;
  /** `options.max` (pg's default 10 when unset). */
  max: number;
  /** pg-pool's own counters at `takenAt`. */
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  /** Clients checked out right now (acquired and not yet released). */
  checkedOut: number;
  /** The most clients checked out at once since instrumentation began. */
  peakCheckedOut: number;
  /** The most callers waiting at once since instrumentation began. */
  peakWaiting: number;
  /** Checkouts since instrumentation began. */
  checkoutsTotal: number;
  /** The checkouts held right now, longest-held first, at most {@link MAX_REPORTED_CHECKOUTS}. */
  checkouts: CheckoutRecord[];
}

export const MAX_REPORTED_CHECKOUTS = 50;

/** One client that is checked out now. */
export interface CheckoutRecord {
  /** Increases per checkout within one pool. */
  id: number;
  /** ISO 8601. */
  acquiredAt: string;
  /** How long it has been held at `takenAt`, in ms. */
  ageMs: number;
  /** The server backend of this client (`client.processID`), to match a pg_stat_activity row. */
  backendPid?: number;
  /**
   * The first stack frame outside pg, pg-pool and the companion: the line that called `connect()`.
   * `file` is an absolute path (file: URLs converted); absent when no such frame exists.
   */
  file?: string;
  line?: number;
  column?: number;
  /** The captured stack's frames (at most 12), "at fn (file:line:col)" lines without the "Error" header. */
  stack: string[];
}
