import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DomainSources } from './domains';

/**
 * Reads what `resolveDomains` needs from disk: the workspace's `.env` files and `~/.pgpass` (or the
 * file `PGPASSFILE` names). A missing file is not an error: most workspaces have no `.pgpass`.
 */
export interface LoadSourcesOptions {
  /** The workspace folder `.env` paths are relative to. */
  folder: string;
  /** `poolLens.pools`, as read from settings. */
  pools: unknown;
  /** `poolLens.envFiles`; default `['.env']`. */
  envFiles?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  secrets?: ReadonlyMap<string, string>;
}

export const DEFAULT_ENV_FILES: readonly string[] = ['.env'];

export async function loadDomainSources(options: LoadSourcesOptions): Promise<DomainSources> {
  const env = options.env ?? process.env;
  const envFiles: Array<{ name: string; text: string }> = [];
  for (const name of options.envFiles ?? DEFAULT_ENV_FILES) {
    const text = await readIfPresent(path.resolve(options.folder, name));
    if (text !== undefined) envFiles.push({ name, text });
  }
  const pgpassPath = env.PGPASSFILE || path.join(options.homeDir ?? os.homedir(), '.pgpass');
  const pgpassText = await readIfPresent(pgpassPath);
  return {
    pools: options.pools,
    envFiles,
    env,
    ...(pgpassText !== undefined ? { pgpassText } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}
