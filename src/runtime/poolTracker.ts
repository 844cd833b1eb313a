import { MAX_REPORTED_CHECKOUTS, type AppPoolSnapshot, type CheckoutRecord } from './protocol';
import { identityOf, maxOf, type PoolIdentity, type PoolOptionsLike } from './poolIdentity';
import { captureStack, siteOf, type AcquisitionSite, type CapturedStack } from './stackSite';

/**
 * The parts of a pg-pool 3 `Pool` the tracker reads or wraps. `connect` is public; the other three are
 * pg-pool's internal steps, wrapped because they are the only places where a waiter, the client it gets
 * and its release meet, without touching the promise or the callback the app receives.
 */
export interface PgPoolLike {
  options?: PoolOptionsLike;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  ended?: boolean;
  _pendingQueue: object[];
  _clients: object[];
  connect(...args: unknown[]): unknown;
  _acquireClient(client: object, pendingItem: object, ...rest: unknown[]): unknown;
  _release(client: object, ...rest: unknown[]): unknown;
  _pulseQueue(...args: unknown[]): unknown;
}

const WRAPPED = ['connect', '_acquireClient', '_release', '_pulseQueue'] as const;
type WrappedMethod = (typeof WRAPPED)[number];

/** True when `value` has the shape of a pg-pool 3 pool, the only kind the tracker knows how to follow. */
export function isPgPool(value: unknown): value is PgPoolLike {
  if (typeof value !== 'object' || value === null) return false;
  const pool = value as Record<string, unknown>;
  return (
    WRAPPED.every((method) => typeof pool[method] === 'function') &&
    Array.isArray(pool._pendingQueue) &&
    Array.isArray(pool._clients) &&
    typeof pool.totalCount === 'number'
  );
}

/** The stack captured for a waiting caller, kept on pg-pool's pending item (an object the app never sees). */
const WAITER_STACK = Symbol('pool-lens waiter stack');

interface Waiter {
  [WAITER_STACK]?: CapturedStack;
}

interface Checkout {
  id: number;
  acquiredAt: number;
  client: { processID?: unknown };
  captured: CapturedStack;
  site?: AcquisitionSite;
}

/**
 * Follows one pool's checkouts: acquired (a client handed to a caller of `connect()`, including the checkout
 * `pool.query()` makes) until released (`release()`, `release(err)`, `done()`). The pool keeps behaving as
 * before: every wrapper calls pg-pool's own method with the same `this` and arguments and returns its
 * result, and the wrappers are own, non-enumerable properties removed again by `uninstall()`.
 */
export class PoolTracker {
  readonly max: number;
  readonly identity: PoolIdentity;
  private readonly checkouts = new Map<object, Checkout>();
  /** The stack of a caller for whom pg-pool started a new client, by that client (rare: a new connection). */
  private readonly newClientWaiters = new WeakMap<object, CapturedStack>();
  private readonly saved = new Map<WrappedMethod, PropertyDescriptor | undefined>();
  private nextId = 1;
  private peakCheckedOut = 0;
  private peakWaiting = 0;
  private checkoutsTotal = 0;

  constructor(
    readonly pool: PgPoolLike,
    public name: string,
    private readonly ownFiles: ReadonlySet<string>,
    /** Called once pg-pool has finished `end()`: the pool can no longer hand out clients. */
    private readonly onEnded: () => void,
  ) {
    this.max = maxOf(pool.options);
    this.identity = identityOf(pool.options);
    this.peakWaiting = pool.waitingCount;
    this.install();
  }

  private install(): void {
    const tracker = this;
    const pool = this.pool;
    const { connect, _acquireClient, _release, _pulseQueue } = pool;

    this.wrap('connect', function connectTracked(this: PgPoolLike) {
      if (this !== pool) return connect.apply(this, arguments as unknown as unknown[]);
      const captured = captureStack(connectTracked);
      const queue = this._pendingQueue;
      const queued = queue.length;
      const clients = this._clients.length;
      const result = connect.apply(this, arguments as unknown as unknown[]);
      // pg-pool either queued a waiter or started a client for this caller, synchronously, before returning.
      if (queue.length > queued) {
        // A property of pg-pool's own pending item, not a WeakMap entry: this runs for nearly every checkout,
        // and every item gets the same property, so V8 keeps one shape for them all.
        (queue[queue.length - 1] as Waiter)[WAITER_STACK] = captured;
        if (queue.length > tracker.peakWaiting) tracker.peakWaiting = queue.length;
      } else if (this._clients.length > clients) {
        tracker.newClientWaiters.set(this._clients[this._clients.length - 1], captured);
      }
      return result;
    });

    this.wrap('_acquireClient', function acquireTracked(this: PgPoolLike, client: object, pendingItem: object, _idle: unknown, isNew: unknown) {
      if (this === pool) tracker.acquired(client, pendingItem, isNew === true);
      return _acquireClient.apply(this, arguments as unknown as [object, object]);
    });

    this.wrap('_release', function releaseTracked(this: PgPoolLike, client: object) {
      // Before pg-pool's release: it may hand the same client to the next waiter synchronously.
      if (this === pool) tracker.checkouts.delete(client);
      return _release.apply(this, arguments as unknown as [object]);
    });

    this.wrap('_pulseQueue', function pulseTracked(this: PgPoolLike) {
      const result = _pulseQueue.apply(this, arguments as unknown as unknown[]);
      if (this === pool && this.ended === true) tracker.onEnded();
      return result;
    });
  }

  private wrap(method: WrappedMethod, replacement: Function): void {
    this.saved.set(method, Object.getOwnPropertyDescriptor(this.pool, method));
    Object.defineProperty(this.pool, method, { value: replacement, writable: true, configurable: true, enumerable: false });
  }

  private acquired(client: object, pendingItem: object, isNew: boolean): void {
    let captured = (pendingItem as Waiter)[WAITER_STACK];
    if (captured === undefined && isNew) {
      captured = this.newClientWaiters.get(client);
      this.newClientWaiters.delete(client);
    }
    // No stack: pg-pool's own checkouts (a client retired at the end of its lifetime), not the app's.
    // A waiter that timed out gets its client released at once and never sees it.
    if (captured === undefined || (pendingItem as { timedOut?: unknown }).timedOut === true) return;
    this.checkouts.set(client, { id: this.nextId++, acquiredAt: Date.now(), client, captured });
    this.checkoutsTotal++;
    if (this.checkouts.size > this.peakCheckedOut) this.peakCheckedOut = this.checkouts.size;
  }

  /** Puts pg-pool's own methods back; clients still checked out are simply no longer followed. */
  uninstall(): void {
    // Last wrapped first: V8 undoes the most recent property addition by going back to the previous map, so
    // the pool keeps fast properties; deleting in any other order turns it into a dictionary-mode object,
    // and every later property read of pg-pool's on that pool would be a hash lookup.
    for (const [method, descriptor] of [...this.saved].reverse()) {
      if (descriptor) Object.defineProperty(this.pool, method, descriptor);
      else delete (this.pool as unknown as Record<string, unknown>)[method];
    }
    this.saved.clear();
    this.checkouts.clear();
  }

  snapshot(now: number = Date.now()): AppPoolSnapshot {
    const checkouts: CheckoutRecord[] = [];
    // A Map iterates in insertion order: the first entries are the longest held.
    for (const checkout of this.checkouts.values()) {
      if (checkouts.length === MAX_REPORTED_CHECKOUTS) break;
      checkouts.push(this.record(checkout, now));
    }
    return {
      name: this.name,
      ...this.identity,
      max: this.max,
      totalCount: this.pool.totalCount,
      idleCount: this.pool.idleCount,
      waitingCount: this.pool.waitingCount,
      checkedOut: this.checkouts.size,
      peakCheckedOut: this.peakCheckedOut,
      peakWaiting: this.peakWaiting,
      checkoutsTotal: this.checkoutsTotal,
      checkouts,
    };
  }

  private record(checkout: Checkout, now: number): CheckoutRecord {
    // Formatting the stack is the expensive part; it happens here, once per checkout that a reader sees.
    checkout.site ??= siteOf(checkout.captured, this.ownFiles);
    const { file, line, column, stack } = checkout.site;
    const backendPid = checkout.client.processID;
    return {
      id: checkout.id,
      acquiredAt: new Date(checkout.acquiredAt).toISOString(),
      ageMs: Math.max(0, now - checkout.acquiredAt),
      ...(typeof backendPid === 'number' ? { backendPid } : {}),
      ...(file !== undefined ? { file, line, column } : {}),
      stack,
    };
  }
}
