import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findProjectFiles } from '../workspace/sourceFiles';

/** A file to lint: its absolute path, and its name in reports (as given, or found under a given folder). */
export interface LintTarget {
  absolute: string;
  display: string;
}

/** Input the CLI cannot read; its message is one sentence for stderr. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface CollectedTargets {
  targets: LintTarget[];
  /** package.json files that decide which files are scripts: found in given folders, or nearest above. */
  manifests: string[];
}

/**
 * Expands the given paths into files: a file stands for itself (whatever its extension, since the user
 * named it), a folder for the JS/TS sources under it. A file reached twice is linted once.
 */
export async function collectTargets(paths: readonly string[], cwd: string): Promise<CollectedTargets> {
  const targets: LintTarget[] = [];
  const manifests: string[] = [];
  const seen = new Set<string>();
  const add = (absolute: string, display: string): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    targets.push({ absolute, display });
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stats;
    try {
      stats = await fs.stat(absolute);
    } catch (error) {
      throw new InputError(`cannot read '${given}': ${reasonOf(error)}.`);
    }
    if (stats.isDirectory()) {
      let found;
      try {
        found = await findProjectFiles(absolute);
      } catch (error) {
        throw new InputError(`cannot read folder '${given}': ${reasonOf(error)}.`);
      }
      const prefix = /[\\/]$/.test(given) ? given : given + path.sep;
      for (const file of found.sources) add(file.absolute, prefix + file.relative);
      manifests.push(...found.manifests);
    } else if (stats.isFile()) {
      add(absolute, given);
    } else {
      throw new InputError(`cannot read '${given}': it is neither a file nor a folder.`);
    }
  }
  return { targets, manifests };
}

/** A Node file-system error as a short phrase ("no such file or directory"), else the message. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
