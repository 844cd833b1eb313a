import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { HostConfig } from '../editor/host/events';
import { PROJECT_ROOT } from './paths';

/**
 * The suite of test/editor/untrusted.test.ts. Suites in `untrusted*.test.ts` run only in the
 * launcher's untrusted pass (a separate editor with workspace trust on); the others only in the
 * trusted pass.
 */
export const UNTRUSTED_SUITE = 'Untrusted workspace';

export type WorkspaceTrustPass = 'trusted' | 'untrusted';

/** Which passes `POOL_LENS_EDITOR_GREP` (mocha's grep: text the full title contains) selects. */
export function selectedPasses(grep = process.env.POOL_LENS_EDITOR_GREP): WorkspaceTrustPass[] {
  if (!grep) return ['trusted', 'untrusted'];
  return UNTRUSTED_SUITE.includes(grep) || grep.startsWith(UNTRUSTED_SUITE) ? ['untrusted'] : ['trusted'];
}

/** Writes the runner's instructions into `dir`; returns the config file and the results file it names. */
export async function writeHostConfig(dir: string, runOnActivate: boolean, pass: WorkspaceTrustPass = 'trusted'): Promise<{ configFile: string; resultsFile: string }> {
  const resultsFile = path.join(dir, 'results.jsonl');
  const configFile = path.join(dir, 'runner-config.json');
  const grep = process.env.POOL_LENS_EDITOR_GREP;
  const config: HostConfig = {
    projectRoot: PROJECT_ROOT,
    resultsFile,
    runOnActivate,
    workspace: pass,
    ...(grep ? { grep } : {}),
  };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  return { configFile, resultsFile };
}
