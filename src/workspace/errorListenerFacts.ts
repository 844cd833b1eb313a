import type { ModuleSummary } from '../core/moduleSummary';
import { moduleKey, resolveSpecifier } from '../core/project';

/** The part of `ProjectFacts` that says which exported pools get an `error` listener, and where. */
export interface ErrorListenerFacts {
  poolErrorListeners: Map<string, Map<string, string[]>>;
  unresolvedErrorListeners: boolean;
}

/** The summaries `errorListenerFacts` reads, as the project index holds them. */
export interface ListenerSources {
  /** The files whose summaries take part in the answer (`affectsErrorListenerFacts`). */
  listening(): Iterable<[file: string, summary: ModuleSummary]>;
  /** The files with this module key, with their summaries. */
  filesOf(key: string): Iterable<[file: string, summary: ModuleSummary]>;
}

/**
 * Follows every module's listened imports (`import { pool } from './db'; pool.on('error', …)`) back
 * through re-exports (`export { pool } from './db'`, `export * from './db'`) and forwarded imports
 * (`import { pool } from './db'; export default pool`) to the module that declares the pool. Each
 * module on the way is recorded, so the answer holds whichever of them declares the pool.
 */
export function errorListenerFacts(sources: ListenerSources, poolExports: ReadonlyMap<string, ReadonlySet<string>>): ErrorListenerFacts {
  const listeners = new Map<string, Map<string, string[]>>();
  let unresolved = false;

  const trace = (key: string, name: string, listener: string, seen: Set<string>): void => {
    const id = `${key}\u0000${name}`;
    if (seen.has(id)) return;
    seen.add(id);
    if (name === '*') {
      for (const exported of poolExports.get(key) ?? []) trace(key, exported, listener, seen);
      return;
    }
    const names = listeners.get(key) ?? new Map<string, string[]>();
    listeners.set(key, names);
    const modules = names.get(name) ?? [];
    if (!modules.includes(listener)) modules.push(listener);
    names.set(name, modules);
    for (const [file, summary] of sources.filesOf(key)) {
      for (const reexport of summary.reexports) {
        const target = resolveSpecifier(file, reexport.from);
        if (target === undefined) continue;
        if (reexport.names === '*') {
          if (name !== 'default') trace(target, name, listener, seen);
        } else {
          for (const [exported, imported] of reexport.names) if (exported === name) trace(target, imported, listener, seen);
        }
      }
      for (const forward of summary.forwards ?? []) {
        const target = resolveSpecifier(file, forward.from);
        if (target !== undefined && forward.exported === name) trace(target, forward.imported, listener, seen);
      }
    }
  };

  for (const [file, summary] of sources.listening()) {
    if (summary.unresolvedErrorListener) unresolved = true;
    for (const { from, name } of summary.errorListeners ?? []) {
      const target = resolveSpecifier(file, from);
      if (target !== undefined) trace(target, name, moduleKey(file), new Set());
    }
  }
  return { poolErrorListeners: listeners, unresolvedErrorListeners: unresolved };
}

/** Whether a module's summary takes part in the answer (so storing or dropping it changes the facts). */
export function affectsErrorListenerFacts(summary: ModuleSummary | undefined): boolean {
  return (summary?.errorListeners?.length ?? 0) > 0 || (summary?.forwards?.length ?? 0) > 0 || summary?.unresolvedErrorListener === true;
}

/** Whether two answers tell the analysis the same: the same pools listened, in the same modules. */
export function sameErrorListenerFacts(a: ErrorListenerFacts, b: ErrorListenerFacts): boolean {
  return a.unresolvedErrorListeners === b.unresolvedErrorListeners && fingerprint(a.poolErrorListeners) === fingerprint(b.poolErrorListeners);
}

function fingerprint(listeners: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string {
  return [...listeners]
    .flatMap(([key, names]) => [...names].map(([name, modules]) => `${key}\u0000${name}\u0000${[...modules].sort().join('\u0001')}`))
    .sort()
    .join('\n');
}
