import type { ProjectFacts } from './project';

/**
 * A string literal that may name pg or pg-pool: `'pg'`, `"pg-pool"`, or one that starts with at most
 * six letters of those names and then an escape that spells one of them (`'p\x67'`, `'\u0070g'`,
 * `'p\g'`, a line continuation), so that a module name written with escapes is not missed. One
 * pattern: a separate one for escapes, or one anchored on the backslash by a lookbehind, scanned
 * the bench corpus slower.
 */
const PG_LITERAL =
  /['"`](?:pg(?:-pool)?['"`]|[pgol-]{0,6}\\(?:x(?:70|67|6[fFcC]|2[dD])|u(?:00(?:70|67|6[fFcC]|2[dD])|\{0*(?:70|67|6[fFcC]|2[dD])\})|1(?:60|47|57|54)|0?55|[pgol\-\n\r\u2028\u2029]))/;
const POOL_WORD = /pool/i;
const POOL_CALL = /\.(?:connect|query|end|on)\s*\(|new\s+Pool\b/;
/** `'.'`, `'..'`, `'./'`, `'../'`: a specifier naming a folder's index, whose module key's base name is not in the text. */
const FOLDER_SPECIFIER = /(['"`])\.\.?\/?\1/;

/**
 * A cheap look at the text before any parsing: does this file show any sign of pg? A file that names
 * pg passes, and so does one that may import a project module that exports a pool (the module's base
 * name appears in the text after a slash).
 *
 * Without facts, or with facts that do not cover the whole project, a file that mentions a pool and
 * calls pool methods passes too: the analysis then takes relative imports with pool-like names
 * (`import { pool } from './db'`) for pools. With complete facts it does not need to: the analysis
 * (`PgModel.usesPg`) finds pg only in a file that binds pg or pg-pool through a literal specifier, or
 * imports a module the facts list in `poolExports`, so any other file can have no finding.
 */
export function mayUsePg(text: string, project?: ProjectFacts): boolean {
  if (namesPg(text)) return true;
  if (project && project.poolExports.size > 0) {
    for (const module of project.poolExports.keys()) {
      const base = module.slice(module.lastIndexOf('/') + 1);
      if (base && (text.includes(`/${base}`) || text.includes(`\\${base}`))) return true;
    }
    if (FOLDER_SPECIFIER.test(text)) return true;
  }
  if (project?.complete === true) return false;
  return POOL_WORD.test(text) && POOL_CALL.test(text);
}

/**
 * Whether the file may create a pg pool itself: `new Pool()` needs pg's `Pool` class, and only a file
 * that binds pg or pg-pool through a literal specifier has it.
 */
export function mayCreatePool(text: string): boolean {
  return namesPg(text);
}

function namesPg(text: string): boolean {
  return PG_LITERAL.test(text);
}
