import * as path from 'node:path';
import { CompanionServer, type ServerAddress } from './companionServer';
import { endpointFileOf, removeEndpointFile, writeEndpointFile } from './endpointFile';
import { isPgPool, PoolTracker } from './poolTracker';
import { COMPANION_FOLDER, COMPANION_PROTOCOL_VERSION, type AppPoolSnapshot, type CompanionSnapshot } from './protocol';

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

/** What one bundle of the companion exposes to another in the same process (runtime.js and register.js). */
interface ProcessCompanion {
  readonly protocolVersion: number;
  instrument(pool: unknown, options?: InstrumentOptions): CompanionHandle;
  /** Writes `sentence` to stderr the first time `topic` fails in this process. */
  warnOnce(topic: string, sentence: string): void;
}

const GLOBAL_KEY = Symbol.for('pool-lens.runtime-companion');

/**
 * The one companion of this process. `--require pool-lens/register` and `require('pool-lens/runtime')` are
 * separate bundles with separate module state; they meet here, so a process still has one server, one token
 * and one endpoint file.
 */
export function processCompanion(): ProcessCompanion {
  const holder = globalThis as unknown as Record<symbol, ProcessCompanion | undefined>;
  let companion = holder[GLOBAL_KEY];
  if (!companion) {
    companion = new Companion();
    Object.defineProperty(globalThis, GLOBAL_KEY, { value: companion, enumerable: false, configurable: true, writable: false });
  }
  return companion;
}

interface Entry {
  tracker: PoolTracker;
  workspace: string;
  handle: CompanionHandle;
}

type ServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'listening'; server: CompanionServer; address: ServerAddress; startedAt: string }
  | { kind: 'failed' };

/** The companion's own source files: frames in them are never the app's acquisition line. */
const OWN_FILES: ReadonlySet<string> = new Set([__filename]);

class Companion implements ProcessCompanion {
  readonly protocolVersion = COMPANION_PROTOCOL_VERSION;
  private readonly entries = new Map<object, Entry>();
  /** Workspace → its endpoint file once written. */
  private readonly published = new Map<string, string>();
  private server: ServerState = { kind: 'stopped' };
  private unnamed = 0;
  private readonly warned = new Set<string>();
  private readonly onExit = () => {
    for (const file of this.published.values()) removeEndpointFile(file);
  };

  instrument(pool: unknown, options: InstrumentOptions = {}): CompanionHandle {
    if (!isPgPool(pool)) {
      throw new TypeError('pool-lens: instrument() needs a pg Pool (from pg 8 / pg-pool 3); the value given is not one.');
    }
    const existing = this.entries.get(pool);
    if (existing) {
      if (options.name) existing.tracker.name = options.name;
      return existing.handle;
    }
    const workspace = path.resolve(options.workspace ?? (process.env.POOL_LENS_WORKSPACE || process.cwd()));
    let disposed = false;
    const handle: CompanionHandle = {
      get name() {
        return tracker.name;
      },
      snapshot: () => tracker.snapshot(),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.remove(pool);
      },
    };
    const tracker: PoolTracker = new PoolTracker(pool, options.name ?? '', OWN_FILES, () => handle.dispose());
    tracker.name ||= tracker.identity.applicationName ?? tracker.identity.database ?? `pool-${++this.unnamed}`;
    this.entries.set(pool, { tracker, workspace, handle });
    this.start(workspace);
    return handle;
  }

  warnOnce(topic: string, sentence: string): void {
    if (this.warned.has(topic)) return;
    this.warned.add(topic);
    try {
      process.stderr.write(`pool-lens: ${sentence}\n`);
    } catch {
      // A closed stderr must not break the app either.
    }
  }

  snapshot(): CompanionSnapshot {
    const now = Date.now();
    return {
      version: COMPANION_PROTOCOL_VERSION,
      pid: process.pid,
      takenAt: new Date(now).toISOString(),
      pools: [...this.entries.values()].map((entry) => entry.tracker.snapshot(now)),
    };
  }

  private start(workspace: string): void {
    if (this.server.kind === 'listening') return this.publish(workspace);
    if (this.server.kind !== 'stopped') return;
    this.server = { kind: 'starting' };
    CompanionServer.start(() => this.snapshot()).then(
      ({ server, address }) => {
        if (this.entries.size === 0) {
          server.close();
          this.server = { kind: 'stopped' };
          return;
        }
        this.server = { kind: 'listening', server, address, startedAt: new Date().toISOString() };
        process.on('exit', this.onExit);
        for (const entry of this.entries.values()) this.publish(entry.workspace);
      },
      (error: unknown) => {
        this.server = { kind: 'failed' };
        this.warnOnce(
          'listen',
          `the runtime companion could not listen on 127.0.0.1 (${describe(error)}); the app runs on, but Pool Lens cannot see its pools.`,
        );
      },
    );
  }

  private publish(workspace: string): void {
    if (this.server.kind !== 'listening' || this.published.has(workspace)) return;
    try {
      const file = writeEndpointFile(workspace, {
        version: COMPANION_PROTOCOL_VERSION,
        pid: process.pid,
        host: '127.0.0.1',
        port: this.server.address.port,
        token: this.server.address.token,
        startedAt: this.server.startedAt,
        cwd: process.cwd(),
      });
      this.published.set(workspace, file);
    } catch (error) {
      // Marked as published so the failure is not retried (and reported) for every pool.
      this.published.set(workspace, endpointFileOf(workspace));
      this.warnOnce(
        `endpoint ${workspace}`,
        `the runtime companion could not write its endpoint file in ${path.join(workspace, COMPANION_FOLDER)} (${describe(error)}); the app runs on, but Pool Lens cannot find its pools: set POOL_LENS_WORKSPACE to a writable folder.`,
      );
    }
  }

  private remove(pool: object): void {
    const entry = this.entries.get(pool);
    if (!entry) return;
    entry.tracker.uninstall();
    this.entries.delete(pool);
    const inUse = [...this.entries.values()].some((other) => other.workspace === entry.workspace);
    const file = this.published.get(entry.workspace);
    if (!inUse && file !== undefined) {
      removeEndpointFile(file);
      this.published.delete(entry.workspace);
    }
    if (this.entries.size > 0) return;
    if (this.server.kind === 'listening') {
      this.server.server.close();
      process.removeListener('exit', this.onExit);
    }
    // A server still starting closes itself when it finds no pool; a failed one may be retried by a later pool.
    if (this.server.kind !== 'starting') this.server = { kind: 'stopped' };
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
