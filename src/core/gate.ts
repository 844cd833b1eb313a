import type { ProjectFacts } from './project';

const PG_IMPORT = /['"`]pg(?:-pool)?['"`]/;
const POOL_WORD = /pool/i;
const POOL_CALL = /\.(?:connect|query|end|on)\s*\(|new\s+Pool\b/;

/**
 * A cheap look at the text before any parsing: does this file show any sign of pg? Files that import
 * pg, or mention a pool and call pool methods, pass. So do files that may import a project module that
 * exports a pool (the module's base name appears in the text).
 */
export function mayUsePg(text: string, project?: ProjectFacts): boolean {
  if (PG_IMPORT.test(text)) return true;
  if (POOL_WORD.test(text) && POOL_CALL.test(text)) return true;
  if (project) {
    for (const module of project.poolExports.keys()) {
      const base = module.slice(module.lastIndexOf('/') + 1);
      if (base && text.includes(`/${base}`)) return true;
    }
  }
  return false;
}
