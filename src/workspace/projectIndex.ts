import { summarizeModule, type ModuleSummary } from '../core/moduleSummary';
import { moduleKey, resolveSpecifier, type ProjectFacts } from '../core/project';

/** Reads a file's current text; rejects when the file cannot be read. */
export type ReadSource = (file: string) => Promise<string>;

/** A file the index could not summarise; it counts as exporting no pool. */
export interface IndexProblem {
  file: string;
  reason: string;
}

interface ModuleEntry {
  summary: ModuleSummary;
  /** The text imports a relative module, so its summary can change when other modules' exports do. */
  importsProject: boolean;
}

const EMPTY_SUMMARY: ModuleSummary = { poolExports: [], reexports: [] };
const RELATIVE_IMPORT = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"`]\./;
/** Re-export chains longer than this are not followed further (they only arise from import cycles). */
const MAX_ROUNDS = 10;

/**
 * Which modules of a project export pg pools, and which files package.json runs as scripts, as the
 * `ProjectFacts` the analyzer needs. Pools re-exported under other names (`export * from './db'`,
 * `import { pool } from './db'; export default pool`) are found by re-summarising importing modules
 * until the exports stop changing. Files are absolute paths; the index never touches the file system
 * itself but reads through `readSource`, so the CLI can hand it texts it already holds.
 */
export class ProjectIndex {
  private readonly modules = new Map<string, ModuleEntry>();
  private scriptFiles: ReadonlySet<string> = new Set();
  private poolExports = new Map<string, Set<string>>();
  private complete = true;
  /** The last snapshot handed out; dropped whenever the facts change. */
  private snapshot: ProjectFacts | undefined;

  constructor(private readonly readSource: ReadSource) {}

  get size(): number {
    return this.modules.size;
  }

  /** The facts as of now; a snapshot that later updates do not change. */
  facts(): ProjectFacts {
    this.snapshot ??= {
      poolExports: new Map([...this.poolExports].map(([key, names]) => [key, new Set(names)])),
      scriptFiles: new Set(this.scriptFiles),
      complete: this.complete,
    };
    return this.snapshot;
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
    for (const file of files) {
      // Summarised without project facts first: the rounds in `settle` then correct imported names.
      const entry = await this.summarize(file, undefined, problems);
      if (entry) this.modules.set(file, entry);
      else this.modules.delete(file);
    }
    await this.settle(true, problems);
    return problems;
  }

  /** Re-reads one file after it changed on disk. Resolves to whether the project facts changed. */
  async updateFile(file: string): Promise<boolean> {
    const before = this.poolExports;
    const problems: IndexProblem[] = [];
    const entry = await this.summarize(file, this.facts(), problems);
    if (entry) this.modules.set(file, entry);
    else this.modules.delete(file);
    await this.settle(false, problems);
    return !sameExports(before, this.poolExports);
  }

  /** Forgets a deleted file. Resolves to whether the project facts changed. */
  async removeFile(file: string): Promise<boolean> {
    if (!this.modules.delete(file)) return false;
    const before = this.poolExports;
    await this.settle(false, []);
    return !sameExports(before, this.poolExports);
  }

  private async summarize(file: string, project: ProjectFacts | undefined, problems: IndexProblem[]): Promise<ModuleEntry | undefined> {
    let text: string;
    try {
      text = await this.readSource(file);
    } catch (error) {
      problems.push({ file, reason: `cannot be read: ${messageOf(error)}` });
      return undefined;
    }
    const importsProject = RELATIVE_IMPORT.test(text);
    try {
      return { summary: summarizeModule(text, file, project), importsProject };
    } catch (error) {
      problems.push({ file, reason: messageOf(error) });
      return { summary: EMPTY_SUMMARY, importsProject };
    }
  }

  /**
   * Resolves re-exports, then re-summarises the modules that import project modules with the new facts,
   * until a round changes nothing. `force` runs at least one round (after summaries made without facts).
   */
  private async settle(force: boolean, problems: IndexProblem[]): Promise<void> {
    let previous = this.poolExports;
    this.poolExports = this.resolveExports();
    this.snapshot = undefined;
    if (!force && sameExports(previous, this.poolExports)) return;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const facts = this.facts();
      for (const [file, entry] of this.modules) {
        if (!entry.importsProject) continue;
        const updated = await this.summarize(file, facts, problems);
        if (updated) this.modules.set(file, updated);
      }
      previous = this.poolExports;
      this.poolExports = this.resolveExports();
      this.snapshot = undefined;
      if (sameExports(previous, this.poolExports)) return;
    }
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
    for (const [file, { summary }] of this.modules) for (const name of summary.poolExports) add(moduleKey(file), name);

    let changed = true;
    for (let pass = 0; changed && pass <= this.modules.size; pass++) {
      changed = false;
      for (const [file, { summary }] of this.modules) {
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

function sameExports(a: ReadonlyMap<string, ReadonlySet<string>>, b: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, names] of a) {
    const other = b.get(key);
    if (!other || other.size !== names.size) return false;
    for (const name of names) if (!other.has(name)) return false;
  }
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
