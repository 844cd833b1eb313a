import { readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { PROJECT_ROOT, RUNNER_EXTENSION_DIR } from './paths';
import { runChecked } from './processes';

const SUITES_DIR = path.join(PROJECT_ROOT, 'test', 'editor');

/**
 * Bundles the editor suites and the runner that hosts them into the runner extension's `dist/`. The
 * suites go inside the runner's folder so that the editor serves their `require('vscode')` as it
 * does for any installed extension.
 */
export async function buildEditorSuites(): Promise<void> {
  const outDir = path.join(RUNNER_EXTENSION_DIR, 'dist');
  await rm(outDir, { recursive: true, force: true });
  const suites = (await readdir(SUITES_DIR)).filter((name) => name.endsWith('.test.ts'));
  if (suites.length === 0) throw new Error(`No editor suites (*.test.ts) found in ${SUITES_DIR}.`);
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: {
      extension: path.join(RUNNER_EXTENSION_DIR, 'extension.ts'),
      electronEntry: path.join(SUITES_DIR, 'host', 'electronEntry.ts'),
    },
    outdir: outDir,
  });
  await esbuild.build({
    ...common,
    entryPoints: suites.map((name) => path.join(SUITES_DIR, name)),
    outdir: path.join(outDir, 'suites'),
  });
}

/** Builds the extension itself the way a release does (`npm run build`). */
export async function buildExtension(): Promise<void> {
  await runChecked('npm', ['run', 'build'], { cwd: PROJECT_ROOT });
}

/**
 * Packages a folder as a .vsix with vsce's own API, as `vsce package` does. The runner extension
 * has no repository or licence of its own; those checks would otherwise stop to ask.
 */
export async function packageVsix(folder: string, packagePath: string): Promise<string> {
  const { createVSIX } = await import('@vscode/vsce');
  // The extension bundles its dependencies, so vsce must not walk node_modules.
  await createVSIX({ cwd: folder, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: true });
  return packagePath;
}
