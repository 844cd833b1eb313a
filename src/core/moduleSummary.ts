import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ListenerScan } from './errorListeners';
import { mayUsePg } from './gate';
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
}

const EMPTY: ModuleSummary = { poolExports: [], reexports: [] };

/**
 * `export * from './x'`, `export * as ns from './x'`, `export { a, b as c } from './x'`. Only relative
 * re-exports can pass a project's pool on (package specifiers never resolve to a project module), and
 * a loose `export … from` test sent files to the parser for prose in comments and class bodies.
 */
/** An `error` listener on anything: the module may listen to a pool it imports under a name that does not say pool. */
const ERROR_LISTENER = /\.(?:on|once|addListener|prependListener|prependOnceListener)\s*\(\s*['"`]error['"`]/;
/** Imported names that may hold a pool, for listeners on imports the index cannot resolve. */
const POOL_OR_DATABASE_NAME = /pool|db|database|pg|postgres|sql/i;

const RELATIVE_REEXPORT = /\bexport\s*(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"`]\./;

/**
 * Summarises a module for the project index. Throws `ParseFailure` when the file does not parse.
 * `project` lets a module that re-exports an imported pool under a new name be seen as exporting it.
 */
export function summarizeModule(
  text: string,
  fileName: string,
  project?: ProjectFacts,
  onParsed?: (ast: TSESTree.Program, nodes: TSESTree.Node[]) => void,
): ModuleSummary {
  if (!mayUsePg(text, project) && !RELATIVE_REEXPORT.test(text) && !ERROR_LISTENER.test(text)) return EMPTY;
  const ast = parseSource(text, fileName);
  const nodes = linkParents(ast);
  const model = new PgModel(nodes, fileName, project);
  const summary = { poolExports: [...model.exportedPools], reexports: model.reexports, ...importedPoolUse(new ListenerScan(ast).addNodes(nodes)) };
  // The CLI analyses the file from this parse instead of parsing it again.
  onParsed?.(ast, nodes);
  return summary;
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
