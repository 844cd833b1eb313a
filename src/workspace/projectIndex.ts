import type { ParsedText } from '../core/analyze';
import { mayHoldPools, summarizeModule, type ModuleSummary } from '../core/moduleSummary';
import { moduleKey, resolveSpecifier, type ProjectFacts } from '../core/project';
import { affectsErrorListenerFacts, errorListenerFacts, sameErrorListenerFacts, type ErrorListenerFacts, type ListenerSources } from './errorListenerFacts';
import { relativeSpecifiers } from './relativeSpecifiers';

/** Reads a file's current text; rejects when the file cannot be read. */
export type ReadSource = (file: string) => Promise<string>;

/**
 * Called with each parse the index makes, and the facts the file was summarised with, so that a caller
 * about to analyse the same text can do so without parsing it again (the CLI).
 */
export type OnParsed = (file: string, text: string, parsed: ParsedText, facts: ProjectFacts) => void;

export interface IndexOptions {
  /**
   * Leave out of the facts the error listeners of files that pass the summary gate only for an
   * `error` listener, without parsing them, until `summariseDeferred()`: only the error listener facts
   * (`poolErrorListeners`, `unresolvedErrorListeners`) can differ meanwhile. For a caller that can tell
   * whether anything reads those (the CLI); off by default.
   */
  deferListeners?: boolean;
}

/** A file the index could not summarise; it counts as exporting no pool. */
export interface IndexProblem {
  file: string;
  reason: string;
}

interface ModuleEntry {
  summary: ModuleSummary;
  /** Module keys of every relative specifier in the text: the modules whose exports its summary can depend on. */
  imports: readonly string[];
}

const EMPTY_SUMMARY: ModuleSummary = { poolExports: [], reexports: [] };
/** Re-summarising importers only repeats along import cycles; this bounds it. */
const MAX_ROUNDS = 10;

/**
 * Which modules of a project export pg pools, and which files package.json runs as scripts, as the
 * `ProjectFacts` the analyzer needs. Pools re-exported under other names (`export * from './db'`,
 * `import { pool } from './db'; export default pool`) are found in two ways: re-exports are followed
 * on the stored summaries, without reading anything; a module whose own summary depends on what it
 * imports is summarised again only when the exports of a module it imports change.
 *
 * Incremental: one changed file is read and summarised once, and only its importers are read again,
 * and only when its exports changed. Files are summarised in import order (imported modules first),
 * so building the index reads each file once except along import cycles. Files are absolute paths;
 * the index never touches the file system itself but reads through `readSource`, so the CLI can hand
 * it texts it already holds and the editor the text of an unsaved document.
 */
export class ProjectIndex {
  private readonly modules = new Map<string, ModuleEntry>();
  /** Module key → the indexed files whose text names that module (their summaries may depend on it). */
  private readonly importers = new Map<string, Set<string>>();
  private scriptFiles: ReadonlySet<string> = new Set();
  private poolExports = new Map<string, Set<string>>();
  private complete = true;
  /** The last snapshot handed out; dropped whenever the facts change. */
  private snapshot: ProjectFacts | undefined;
  /** Module key → the indexed files with that key. */
  private readonly filesByKey = new Map<string, Set<string>>();
  /** Indexed files whose summaries take part in the error listener facts (`affectsErrorListenerFacts`). */
  private readonly listening = new Set<string>();
  /** Indexed files whose summaries say a listener on what they export cannot matter (`mayHoldPools`). */
  private readonly holdNoPools = new Set<string>();
  /**
   * Module keys that could not hold a pool and now may (a file with that key was parsed): importers
   * summarised without parsing their listeners must be summarised again.
   */
  private reopened = new Set<string>();
  /** Files summarised as `listenersDeferred` (see `IndexOptions.deferListeners`), not yet parsed. */
  private readonly deferred = new Set<string>();
  private deferListeners: boolean;

  constructor(
    private readonly readSource: ReadSource,
    private readonly onParsed?: OnParsed,
    options: IndexOptions = {},
  ) {
    this.deferListeners = options.deferListeners === true;
  }

  get size(): number {
    return this.modules.size;
  }

  /** The facts as of now; a snapshot that later updates do not change. */
  facts(): ProjectFacts {
    this.snapshot ??= {
      poolExports: new Map([...this.poolExports].map(([key, names]) => [key, new Set(names)])),
      scriptFiles: new Set(this.scriptFiles),
      complete: this.complete,
      ...errorListenerFacts(this.listenerSources, this.poolExports),
    };
    return this.snapshot;
  }

  private readonly listenerSources: ListenerSources = {
    listening: () => [...this.listening].map((file) => [file, this.modules.get(file)!.summary]),
    filesOf: (key) => [...(this.filesByKey.get(key) ?? [])].flatMap((file) => {
      const entry = this.modules.get(file);
      return entry ? [[file, entry.summary] as [string, ModuleSummary]] : [];
    }),
  };

  /** Which exported pools get an `error` listener, as of now. */
  private listenerFacts(): ErrorListenerFacts {
    const { poolErrorListeners, unresolvedErrorListeners } = this.facts() as ProjectFacts & ErrorListenerFacts;
    return { poolErrorListeners, unresolvedErrorListeners };
  }

  /** Whether some files' error listeners are left out of the facts until `summariseDeferred()`. */
  get hasDeferred(): boolean {
    return this.deferred.size > 0;
  }

  /**
   * Summarises the files whose error listeners were deferred, and from now on defers nothing: the
   * facts then include every file's error listeners. Returns the files that could not be summarised.
   */
  async summariseDeferred(): Promise<IndexProblem[]> {
    this.deferListeners = false;
    const files = [...this.deferred];
    this.deferred.clear();
    return this.addFiles(files);
  }

  /** Whether every module of the project is in the index (false when, say, a file search was truncated). */
  setComplete(complete: boolean): void {
    this.complete = complete;
    this.snapshot = undefined;
  }

  setScriptFiles(keys: Iterable<string>): void {
    this.scriptFiles = new Set(keys);
    this.snapshot = undefined;
  }

  /** Adds (or re-reads) many files, then settles the exports. Returns the files that could not be summarised. */
  async addFiles(files: readonly string[]): Promise<IndexProblem[]> {
    const problems: IndexProblem[] = [];
    const texts = new Map<string, string>();
    for (const file of files) {
      const text = await this.read(file, problems);
      if (text === undefined) this.forget(file);
      else texts.set(file, text);
    }
    // Which step of this build each file was summarised at, and at which step each module's exports
    // last changed: a file summarised before a module it imports changed (an import cycle) is stale.
    const storedAt = new Map<string, number>();
    const changedAt = new Map<string, number>();
    let step = 0;
    // The modules each file names, resolved once for the order and for the importers map.
    const named = new Map<string, string[]>();
    const resolved = new Map<string, string | undefined>();
    for (const [file, text] of texts) named.set(file, namedModules(file, text, resolved));
    for (const file of importOrder(named)) {
      const offered = this.offersSomething(file);
      this.store(file, texts.get(file)!, problems, named.get(file));
      texts.delete(file);
      storedAt.set(file, step);
      const reopened = this.takeReopened();
      // Only a module with something to offer changes the facts the next ones are summarised with.
      const offers = offered || this.offersSomething(file);
      if (!offers && reopened.size === 0) continue;
      const previous = this.poolExports;
      step++;
      if (offers) for (const key of changedKeys(previous, this.resolve())) changedAt.set(key, step);
      for (const key of reopened) changedAt.set(key, step);
    }
    const stale = new Set<string>();
    for (const [key, at] of changedAt) {
      for (const file of this.importers.get(key) ?? []) if ((storedAt.get(file) ?? -1) < at) stale.add(file);
    }
    await this.settle(stale, problems);
    return problems;
  }

  /**
   * Re-reads one file after it changed, or takes `text` (an unsaved document) instead of reading it.
   * Resolves to whether the project facts changed.
   */
  async updateFile(file: string, text?: string): Promise<boolean> {
    const problems: IndexProblem[] = [];
    const current = text ?? (await this.read(file, problems));
    const before = this.poolExports;
    const listenersBefore = this.listenerFacts();
    if (current === undefined) this.forget(file);
    else this.store(file, current, problems);
    await this.settle(this.importersOf([...changedKeys(before, this.resolve()), ...this.takeReopened()]), problems);
    return !sameExports(before, this.poolExports) || !sameErrorListenerFacts(listenersBefore, this.listenerFacts());
  }

  /** Forgets a deleted file. Resolves to whether the project facts changed. */
  async removeFile(file: string): Promise<boolean> {
    if (!this.modules.has(file)) return false;
    const listenersBefore = this.listenerFacts();
    this.forget(file);
    const before = this.poolExports;
    await this.settle(this.importersOf([...changedKeys(before, this.resolve()), ...this.takeReopened()]), []);
    return !sameExports(before, this.poolExports) || !sameErrorListenerFacts(listenersBefore, this.listenerFacts());
  }

  private async read(file: string, problems: IndexProblem[]): Promise<string | undefined> {
    try {
      return await this.readSource(file);
    } catch (error) {
      problems.push({ file, reason: `cannot be read: ${messageOf(error)}` });
      return undefined;
    }
  }

  /** Summarises a text with the facts as they are now and records which modules it names. */
  private store(file: string, text: string, problems: IndexProblem[], named = namedModules(file, text)): void {
    const imports = [...new Set(named)];
    let summary: ModuleSummary;
    let holdsPools = true;
    try {
      const facts = this.facts();
      const onParsed = this.onParsed;
      const relativeImportsMayHoldPools = () => imports.some((key) => this.mayHoldPools(key));
      summary = summarizeModule(text, file, facts, onParsed && ((ast, nodes) => onParsed(file, text, { ast, nodes }, facts)), {
        relativeImportsMayHoldPools,
        deferListeners: this.deferListeners,
      });
      holdsPools = mayHoldPools(summary);
    } catch (error) {
      problems.push({ file, reason: messageOf(error) });
      summary = EMPTY_SUMMARY;
    }
    if (summary.listenersDeferred) this.deferred.add(file);
    else this.deferred.delete(file);
    const key = moduleKey(file);
    const couldHoldPools = this.mayHoldPools(key);
    if (holdsPools) this.holdNoPools.delete(file);
    else this.holdNoPools.add(file);
    const files = this.filesByKey.get(key) ?? new Set<string>();
    files.add(file);
    this.filesByKey.set(key, files);
    if (!couldHoldPools && this.mayHoldPools(key)) this.reopened.add(key);
    this.unlinkImports(file);
    for (const key of imports) {
      const files = this.importers.get(key) ?? new Set<string>();
      files.add(file);
      this.importers.set(key, files);
    }
    const previous = this.modules.get(file)?.summary;
    this.modules.set(file, { summary, imports });
    if (affectsErrorListenerFacts(summary)) this.listening.add(file);
    else this.listening.delete(file);
    if (affectsErrorListenerFacts(previous) || affectsErrorListenerFacts(summary)) this.snapshot = undefined;
  }

  private forget(file: string): void {
    this.deferred.delete(file);
    this.unlinkImports(file);
    if (affectsErrorListenerFacts(this.modules.get(file)?.summary)) this.snapshot = undefined;
    this.modules.delete(file);
    this.listening.delete(file);
    const key = moduleKey(file);
    const couldHoldPools = this.mayHoldPools(key);
    this.holdNoPools.delete(file);
    const files = this.filesByKey.get(key);
    files?.delete(file);
    if (files?.size === 0) this.filesByKey.delete(key);
    if (!couldHoldPools && this.mayHoldPools(key)) this.reopened.add(key);
  }

  /**
   * Whether the module may declare a pool or pass one on, so that an `error` listener on what a file
   * imports from it can matter: one with a file whose summary says so (a file that failed to parse
   * counts). A module the index does not hold cannot (no analysis asks about it); when a module gains
   * such a file, its key is reopened and its importers are summarised again (this also covers import
   * cycles while the index is built).
   */
  private mayHoldPools(key: string): boolean {
    for (const file of this.filesByKey.get(key) ?? []) if (!this.holdNoPools.has(file)) return true;
    return false;
  }

  /** The keys reopened since the last call. */
  private takeReopened(): Set<string> {
    const reopened = this.reopened;
    this.reopened = new Set();
    return reopened;
  }

  private unlinkImports(file: string): void {
    for (const key of this.modules.get(file)?.imports ?? []) {
      const files = this.importers.get(key);
      files?.delete(file);
      if (files?.size === 0) this.importers.delete(key);
    }
  }

  private offersSomething(file: string): boolean {
    const summary = this.modules.get(file)?.summary;
    return summary !== undefined && (summary.poolExports.length > 0 || summary.reexports.length > 0);
  }

  /** The indexed files whose text names one of these modules. */
  private importersOf(keys: Iterable<string>): Set<string> {
    const files = new Set<string>();
    for (const key of keys) for (const file of this.importers.get(key) ?? []) files.add(file);
    return files;
  }

  /**
   * Re-summarises stale files with the current facts, then the importers of modules whose exports that
   * changed, until a round changes nothing: only importers' summaries can depend on those exports.
   */
  private async settle(stale: Set<string>, problems: IndexProblem[]): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS && stale.size > 0; round++) {
      const before = this.poolExports;
      for (const file of stale) {
        const text = await this.read(file, problems);
        if (text === undefined) this.forget(file);
        else this.store(file, text, problems);
      }
      stale = this.importersOf([...changedKeys(before, this.resolve()), ...this.takeReopened()]);
    }
  }

  /** Recomputes the exports from the stored summaries; returns them. */
  private resolve(): Map<string, Set<string>> {
    this.poolExports = this.resolveExports();
    this.snapshot = undefined;
    return this.poolExports;
  }

  /** Each module's own pool exports plus what it re-exports, followed through chains of re-exports. */
  private resolveExports(): Map<string, Set<string>> {
    const exports = new Map<string, Set<string>>();
    const add = (key: string, name: string): boolean => {
      const names = exports.get(key) ?? new Set<string>();
      exports.set(key, names);
      if (names.has(name)) return false;
      names.add(name);
      return true;
    };
    const offering = [...this.modules].filter(([, { summary }]) => summary.poolExports.length > 0 || summary.reexports.length > 0);
    for (const [file, { summary }] of offering) for (const name of summary.poolExports) add(moduleKey(file), name);

    let changed = true;
    for (let pass = 0; changed && pass <= offering.length; pass++) {
      changed = false;
      for (const [file, { summary }] of offering) {
        for (const reexport of summary.reexports) {
          const target = resolveSpecifier(file, reexport.from);
          const targetNames = target === undefined ? undefined : exports.get(target);
          if (!targetNames) continue;
          const key = moduleKey(file);
          if (reexport.names === '*') {
            for (const name of [...targetNames]) if (name !== 'default') changed = add(key, name) || changed;
          } else {
            for (const [exported, imported] of reexport.names) if (targetNames.has(imported)) changed = add(key, exported) || changed;
          }
        }
      }
    }
    return exports;
  }
}

/**
 * The files in an order where a file comes after the files it names with relative specifiers (depth
 * first; a cycle is entered anywhere), so a summary sees the exports of what it imports.
 */
function importOrder(named: ReadonlyMap<string, readonly string[]>): string[] {
  const byKey = new Map<string, string[]>();
  for (const file of named.keys()) {
    const key = moduleKey(file);
    byKey.set(key, [...(byKey.get(key) ?? []), file]);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (root: string): void => {
    // An explicit stack: long import chains must not exhaust the call stack.
    const stack: Array<{ file: string; pending: string[] }> = [];
    const enter = (file: string): void => {
      state.set(file, 'visiting');
      const pending = named.get(file)!.flatMap((key) => byKey.get(key) ?? []);
      stack.push({ file, pending });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.pending.pop();
      if (next === undefined) {
        stack.pop();
        state.set(top.file, 'done');
        order.push(top.file);
      } else if (!state.has(next)) {
        enter(next);
      }
    }
  };
  for (const file of named.keys()) if (!state.has(file)) visit(file);
  return order;
}

/**
 * The module keys of a file's relative specifiers, in text order, repeats kept. `resolved` remembers
 * each folder's specifiers across the files of one build: files beside each other name the same modules.
 */
function namedModules(file: string, text: string, resolved = new Map<string, string | undefined>()): string[] {
  const specifiers = relativeSpecifiers(text);
  if (specifiers.length === 0) return specifiers;
  const dir = file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const keys: string[] = [];
  for (const specifier of specifiers) {
    const id = `${dir}\u0000${specifier}`;
    let key = resolved.get(id);
    if (key === undefined && !resolved.has(id)) {
      key = resolveSpecifier(file, specifier);
      resolved.set(id, key);
    }
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

/** Module keys whose exported names differ between two resolutions. */
function changedKeys(a: ReadonlyMap<string, ReadonlySet<string>>, b: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const changed = new Set<string>();
  for (const key of new Set([...a.keys(), ...b.keys()])) if (!sameNames(a.get(key), b.get(key))) changed.add(key);
  return changed;
}

/** Whether two sets of names (exported names, module keys) hold the same members; a missing set is empty. */
export function sameNames(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const name of a ?? []) if (!b?.has(name)) return false;
  return true;
}

function sameExports(a: ReadonlyMap<string, ReadonlySet<string>>, b: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  return changedKeys(a, b).size === 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
