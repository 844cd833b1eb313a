/**
 * A cache keyed by syntax-tree nodes (or by what was derived from them) whose answers hold as long as the tree
 * does not change. Analyses read a tree without changing it, so such a cache needs no clearing, with one
 * exception: an incremental parse (`IncrementalParser`) updates a tree in place, and then calls
 * `forgetTreeCaches()` so that no answer about the old text survives into the next analysis.
 */
export class TreeCache<K extends object, V> {
  private entries = new WeakMap<K, V>();

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
  }

  clear(): void {
    this.entries = new WeakMap();
  }
}

const caches: Array<TreeCache<object, unknown>> = [];

export function treeCache<K extends object, V>(): TreeCache<K, V> {
  const cache = new TreeCache<K, V>();
  caches.push(cache as TreeCache<object, unknown>);
  return cache;
}

/** Empties every tree cache: a tree was changed in place. Other trees' entries are only computed again. */
export function forgetTreeCaches(): void {
  for (const cache of caches) cache.clear();
}
