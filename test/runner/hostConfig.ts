import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { HostConfig } from '../editor/host/events';
import { PROJECT_ROOT } from './paths';

/** Writes the runner's instructions into `dir`; returns the config file and the results file it names. */
export async function writeHostConfig(dir: string, runOnActivate: boolean): Promise<{ configFile: string; resultsFile: string }> {
  const resultsFile = path.join(dir, 'results.jsonl');
  const configFile = path.join(dir, 'runner-config.json');
  const config: HostConfig = {
    projectRoot: PROJECT_ROOT,
    resultsFile,
    runOnActivate,
    ...(process.env.POOL_LENS_EDITOR_GREP ? { grep: process.env.POOL_LENS_EDITOR_GREP } : {}),
  };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  return { configFile, resultsFile };
}
