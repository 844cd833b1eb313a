import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onCleanup } from './cleanup';

/** A new temporary folder that the run removes when it ends, however it ends. */
export async function temporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `pool-lens-${prefix}-`));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies the fixture workspace, so that tests may edit, save and change settings freely. */
export async function copyWorkspace(fixture: string, parent: string): Promise<string> {
  const target = path.join(parent, path.basename(fixture));
  await cp(fixture, target, { recursive: true });
  return target;
}
