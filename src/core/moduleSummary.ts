import { mayUsePg } from './gate';
import { parseSource } from './parse';
import { PgModel } from './pgModel';
import type { ProjectFacts } from './project';
import { linkParents } from './traverse';

/** What one module offers the rest of the project: the pools it exports and what it re-exports. */
export interface ModuleSummary {
  poolExports: string[];
  reexports: Array<{ from: string; names: Array<[exported: string, imported: string]> | '*' }>;
}

const EMPTY: ModuleSummary = { poolExports: [], reexports: [] };

/**
 * `export * from './x'`, `export * as ns from './x'`, `export { a, b as c } from './x'`. Only relative
 * re-exports can pass a project's pool on (package specifiers never resolve to a project module), and
 * a loose `export … from` test sent files to the parser for prose in comments and class bodies.
 */
const RELATIVE_REEXPORT = /\bexport\s*(?:type\s+)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"`]\./;

/**
 * Summarises a module for the project index. Throws `ParseFailure` when the file does not parse.
 * `project` lets a module that re-exports an imported pool under a new name be seen as exporting it.
 */
export function summarizeModule(text: string, fileName: string, project?: ProjectFacts): ModuleSummary {
  if (!mayUsePg(text, project) && !RELATIVE_REEXPORT.test(text)) return EMPTY;
  const nodes = linkParents(parseSource(text, fileName));
  const model = new PgModel(nodes, fileName, project);
  return { poolExports: [...model.exportedPools], reexports: model.reexports };
}
