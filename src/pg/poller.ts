import type { Snapshot } from './model';

export interface PollerOptions {
  /** Time between the end of one refresh and the start of the next; default 2000 ms. */
  intervalMs?: number;
  onSnapshot: (snapshot: Snapshot) => void;
  /** A refresh that failed as a whole (server failures are inside the snapshot, not here). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_POLL_INTERVAL_MS = 2000;

/**
 * Refreshes a snapshot source on a timer. Refreshes never overlap: the next one is scheduled when the
 * previous one ends. `pause()` stops the timer while nobody looks (the editor pauses when the view is
 * hidden) and `resume()` refreshes at once. Backoff for a failing server lives in the monitor, per
 * server, so one server going down does not slow the others. The poller does not own the source:
 * disposing it leaves the monitor open.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private pausedFlag = false;
  private disposed = false;
  private ticking: Promise<void> | undefined;
  private intervalMs: number;

  constructor(
    private readonly source: { snapshot(): Promise<Snapshot> },
    private readonly options: PollerOptions,
  ) {
    this.intervalMs = validInterval(options.intervalMs);
  }

  get running(): boolean {
    return this.started && !this.pausedFlag && !this.disposed;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Starts polling with an immediate refresh. */
  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    if (!this.pausedFlag) this.tickSoon();
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  pause(): void {
    this.pausedFlag = true;
    this.clearTimer();
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    if (this.started) this.tickSoon();
  }

  /** Changes the interval; it applies from the next scheduled refresh. */
  setInterval(intervalMs: number): void {
    this.intervalMs = validInterval(intervalMs);
    if (this.running && this.timer) {
      this.clearTimer();
      this.schedule();
    }
  }

  /** Refreshes now (a "Refresh" button), then keeps the normal rhythm. Resolves when delivered. */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    this.clearTimer();
    await this.tick();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private tickSoon(): void {
    this.clearTimer();
    void this.tick();
  }

  private tick(): Promise<void> {
    this.ticking ??= this.source
      .snapshot()
      .then(
        (snapshot) => {
          if (!this.disposed) this.options.onSnapshot(snapshot);
        },
        (error: unknown) => {
          if (!this.disposed) this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.ticking = undefined;
        if (this.running) this.schedule();
      });
    return this.ticking;
  }

  private schedule(): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, this.intervalMs);
    // A poller alone must not keep a CLI or test process alive.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function validInterval(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_POLL_INTERVAL_MS;
  // Faster than twice a second would turn a monitor into load; slower than a minute is not live.
  return Math.min(Math.max(Math.round(value), 500), 60_000);
}
