/**
 * Everything the extension needs from the analyzer and the workspace index, behind one module that
 * `lazyCore.ts` imports dynamically. Importing it evaluates TypeScript's parser (megabytes of code), which
 * activation must not pay for: nothing else in src/extension may import these modules statically.
 * esbuild.mjs bundles this module on its own as dist/core.js, so activation does not even read it.
 */
export { analyze, analyzeFile } from '../core/analyze';
export { DocumentParses } from '../core/documentParses';
export { isSourceFile, ParseFailure } from '../core/parse';
export { readScriptModuleKeys } from '../workspace/packageScripts';
export { ProjectIndex } from '../workspace/projectIndex';
export { isInSkippedFolder, SKIPPED_FOLDERS } from '../workspace/sourceFiles';
export { candidateDomains, discoverPools } from '../workspace/poolDiscovery';
