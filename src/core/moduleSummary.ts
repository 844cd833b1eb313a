import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ListenerScan } from './errorListeners';
import { mayCreatePool, mayUsePg } from './gate';
import { parseSource } from './parse';
import { PgModel } from './pgModel';
import type { ProjectFacts } from './project';
import { linkParents } from './traverse';

/** What one module offers the rest of the project: the pools it exports and what it re-exports. */
export interface ModuleSummary {
  poolExports: string[];
  reexports: Array<{ from: string; names: Array<[exported: string, imported: string]> | '*' }>;
  /**
   * Imports of other modules' bindings that this module gives an `error` listener or hands to code that
   * may add one (`name` is the export name, `*` for a whole namespace handed on).
   */
  errorListeners?: Array<{ from: string; name: string }>;
  /** Imported bindings this module exports again: `import { pool } from './db'; export default pool`. */
  forwards?: Array<{ exported: string; from: string; imported: string }>;
  /** An `error` listener on a pool-like binding imported through a specifier that is not relative (`@/db`). */
  unresolvedErrorListener?: boolean;
  /** The text names pg or pg-pool (`mayCreatePool`): only then can it create a pool of its own. */
  mayCreatePools?: boolean;
  /**
   * Not parsed: the file passed the gate only for an `error` listener, and the caller asked to defer
   * such files (`SummaryOptions.deferListeners`). Its real summary can differ from this empty one only
   * in the listener fields (`errorListeners`, `forwards`, `unresolvedErrorListener`).
   */
  listenersDeferred?: boolean;
}

const EMPTY: ModuleSummary = { poolExports: [], reexports: [] };
const DEFERRED: ModuleSummary = { poolExports: [], reexports: [], listenersDeferred: true };

/**
 * `export * from './x'`, `export * as ns from './x'`, `export { a, b as c } from './x'`. Only relative
 * re-exports can pass a project's pool on (package specifiers never resolve to a project module), and
 * a loose `export … from` test sent files to the parser for prose in comments and class bodies.
 */
/** An `error` listener on anything: the module may listen to a pool it imports under a name that does not say pool. */
const ERROR_LISTENER = /\.(?:on|once|addListener|prependListener|prependOnceListener)\s*\(\s*['"`]error['"`]/;
/** The quoted event name alone: it scans for a literal, so trying it first makes most files cheaper. */
const ERROR_EVENT = /['"`]error['"`]/;
/** Imported names that may hold a pool, for listeners on imports the index cannot resolve. */
const POOL_OR_DATABASE_NAME = /pool|db|database|pg|postgres|sql/i;

const RELATIVE_REEXPORT = /\bexport\s*(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"`]\./;

/**
 * Text that may bind a pool-like name (`POOL_OR_DATABASE_NAME`) by an import the index cannot resolve:
 * an `import … from '` clause, or a top-level `const|let|var … = require('` declaration (measured from
 * its nearest keyword, without a `;` between), whose text contains such a name. Relative imports match
 * too; that only costs a parse.
 */
const IMPORT_CLAUSE = /\bimport\b[\s\S]*?\bfrom\s*['"`]|\b(?:const|let|var)\b(?:(?!\b(?:const|let|var)\b)[^;])*?\brequire\s*\(/g;
/** `ns.pool.on('error', …)`, `(db.pool as Pool).on(…)`: a listener on a pool-like property of something. */
const POOL_LIKE_PROPERTY_LISTENER =
  /\.\s*[\w$]*(?:pool|db|pg|postgres|sql)[\w$]*(?:\s*!|\s*\)|\s+(?:as|satisfies)\s+[^()]*\))*\s*\??\.\s*(?:on|once|addListener|prependListener|prependOnceListener)\s*\(/i;

/**
 * Whether a file's `error` listeners may be on a pool imported through a specifier the index cannot
 * resolve (`@/db`, a package): a cheap superset of the cases `importedPoolUse` flags as unresolved.
 */
function mayListenToUnresolvedImport(text: string): boolean {
  if (POOL_LIKE_PROPERTY_LISTENER.test(text)) return true;
  for (const match of text.matchAll(IMPORT_CLAUSE)) if (POOL_OR_DATABASE_NAME.test(match[0])) return true;
  return false;
}

/** Options of `summarizeModule`. */
export interface SummaryOptions {
  /**
   * Whether a listener on a binding imported through one of the file's relative specifiers can matter:
   * whether one of them names a module that may declare or pass on a pool. Without it, every file with
   * an `error` listener is parsed.
   */
  relativeImportsMayHoldPools?: () => boolean;
  /**
   * Do not parse a file that passes the gate only for an `error` listener: return an empty summary
   * with `listenersDeferred` set. A caller that may never need the error listener facts (the CLI, when
   * no analysis asks for them) saves those parses. Such a file cannot create, export or re-export a
   * pool: it fails `mayUsePg` with the same facts and has no relative re-export.
   */
  deferListeners?: boolean;
}

/**
 * Summarises a module for the project index. Throws `ParseFailure` when the file does not parse.
 * `project` lets a module that re-exports an imported pool under a new name be seen as exporting it.
 */
export function summarizeModule(
  text: string,
  fileName: string,
  project?: ProjectFacts,
  onParsed?: (ast: TSESTree.Program, nodes: TSESTree.Node[]) => void,
  options: SummaryOptions = {},
): ModuleSummary {
  if (!mayUsePg(text, project) && !RELATIVE_REEXPORT.test(text)) {
    // Deferred files meet the rest of the listener test when they are summarised for real.
    if (options.deferListeners) return hasErrorListener(text) ? DEFERRED : EMPTY;
    if (!mayListenToImportedPool(text, options)) return EMPTY;
  }
  // Looked at again without the facts only for the few files that pass.
  const mayCreatePools = mayCreatePool(text);
  const ast = parseSource(text, fileName);
  const nodes = linkParents(ast);
  const model = new PgModel(nodes, fileName, project);
  const summary = { poolExports: [...model.exportedPools], reexports: model.reexports, ...importedPoolUse(new ListenerScan(ast).addNodes(nodes)), mayCreatePools };
  // The CLI analyses the file from this parse instead of parsing it again.
  onParsed?.(ast, nodes);
  return summary;
}

/**
 * A file that passes the gate only for an `error` listener adds to the project facts only when the
 * listener may be on a pool it imports: through a relative specifier naming a module that may hold one
 * (the caller knows), or through one the index cannot resolve.
 */
function mayListenToImportedPool(text: string, options: SummaryOptions): boolean {
  if (!hasErrorListener(text)) return false;
  if (!options.relativeImportsMayHoldPools) return true;
  return options.relativeImportsMayHoldPools() || mayListenToUnresolvedImport(text);
}

function hasErrorListener(text: string): boolean {
  return ERROR_EVENT.test(text) && ERROR_LISTENER.test(text);
}

/**
 * Whether an `error` listener on a binding imported from this module can matter: the module may create
 * a pool, exports one, or passes bindings on (re-exports, forwarded imports) that the listener facts follow.
 */
export function mayHoldPools(summary: ModuleSummary): boolean {
  return summary.mayCreatePools === true || summary.poolExports.length > 0 || summary.reexports.length > 0 || (summary.forwards?.length ?? 0) > 0;
}

/** What the module does with the bindings it imports: listens to them, hands them on, exports them again. */
function importedPoolUse(scan: ListenerScan): Required<Pick<ModuleSummary, 'errorListeners' | 'forwards' | 'unresolvedErrorListener'>> {
  const errorListeners: Array<{ from: string; name: string }> = [];
  const forwards: Array<{ exported: string; from: string; imported: string }> = [];
  let unresolvedErrorListener = false;
  const note = (from: string, name: string, local: string): void => {
    if (from.startsWith('.')) errorListeners.push({ from, name });
    else if (POOL_OR_DATABASE_NAME.test(local)) unresolvedErrorListener = true;
  };
  for (const [local, source] of scan.imports) {
    const state = scan.stateOfName(local);
    if (state !== 'none') note(source.from, state === 'listened' && source.name === '*' ? 'default' : source.name, local);
    for (const exported of scan.exportNames.get(local) ?? []) {
      if (source.from.startsWith('.') && source.name !== '*') forwards.push({ exported, from: source.from, imported: source.name });
    }
  }
  // `db.pool.on('error', …)` on a namespace (or CommonJS module) import listens to its `pool` export.
  for (const target of scan.otherTargets) {
    if (target.type !== 'MemberExpression') continue;
    const object = target.object.type === 'Identifier' ? scan.imports.get(target.object.name) : undefined;
    const property = target.property.type === 'Identifier' && !target.computed ? target.property.name : undefined;
    if (object && property !== undefined && (object.name === '*' || object.name === 'default')) note(object.from, property, property);
  }
  return { errorListeners, forwards, unresolvedErrorListener };
}
