/**
 * `node --require pool-lens/register app.js` (or `--import pool-lens/register` for an ES module app; bundled to
 * dist/register.js): instruments every pg Pool the process creates, with no change to the app's code.
 *
 * pg builds `pg.Pool` as a subclass of the pg-pool class it gets from `require('pg-pool')`, once, when pg is
 * first loaded, from whichever copy of pg the app resolves. Hooking `require` means every copy of pg (an app
 * and a library may each have their own) gets a pg-pool class whose constructor instruments the new pool;
 * nothing is resolved up front and pg itself is never loaded by the companion.
 */
import Module from 'node:module';
import { processCompanion } from './companion';
import { isPgPool } from './poolTracker';

type PoolClass = new (...args: unknown[]) => object;

const instrumentedClasses = new WeakMap<PoolClass, PoolClass>();

function instrumentingSubclass(base: PoolClass): PoolClass {
  let subclass = instrumentedClasses.get(base);
  if (subclass) return subclass;
  subclass = class Pool extends base {
    constructor(...args: unknown[]) {
      super(...args);
      if (!isPgPool(this)) return;
      try {
        processCompanion().instrument(this);
      } catch (error) {
        processCompanion().warnOnce('instrument', `a pool could not be instrumented (${error instanceof Error ? error.message : String(error)}); it works as usual.`);
      }
    }
  };
  instrumentedClasses.set(base, subclass);
  instrumentedClasses.set(subclass, subclass);
  return subclass;
}

function looksLikePgPoolClass(value: unknown): value is PoolClass {
  return typeof value === 'function' && typeof (value as { prototype?: { connect?: unknown } }).prototype?.connect === 'function';
}

const HOOKED = Symbol.for('pool-lens.register-hooked');

function hookRequire(): void {
  const proto = Module.prototype as unknown as Record<symbol, unknown> & { require: (this: unknown, id: string) => unknown };
  if (proto[HOOKED]) return;
  const original = proto.require;
  proto.require = function require(this: unknown, id: string) {
    const exported = original.apply(this, arguments as unknown as [string]);
    return id === 'pg-pool' && looksLikePgPoolClass(exported) ? instrumentingSubclass(exported) : exported;
  };
  Object.defineProperty(proto, HOOKED, { value: true });
}

/** A pg loaded before this hook kept the plain class: say so, since none of its pools will show. */
function warnIfPgAlreadyLoaded(): void {
  const loaded = Object.keys(require.cache ?? {}).some((file) => /[\\/]node_modules[\\/]pg[\\/]lib[\\/]index\.js$/.test(file));
  if (loaded) {
    processCompanion().warnOnce('pg loaded first', 'pg was loaded before pool-lens/register, so its pools are not instrumented: load the companion first (node --require pool-lens/register app.js).');
  }
}

warnIfPgAlreadyLoaded();
hookRequire();
