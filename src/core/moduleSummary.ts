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
 * Summarises a module for the project index. Throws `ParseFailure` when the file does not parse.
 * `project` lets a module that re-exports an imported pool under a new name be seen as exporting it.
 */
export function summarizeModule(text: string, fileName: string, project?: ProjectFacts): ModuleSummary {
  if (!mayUsePg(text, project) && !/\bexport\b[^;]*\bfrom\b/.test(text)) return EMPTY;
  const nodes = linkParents(parseSource(text, fileName));
  const model = new PgModel(nodes, fileName, project);
  return { poolExports: [...model.exportedPools], reexports: model.reexports };
}
