import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isSourceFile } from '../core/parse';

/** Folders never walked: dependencies, version control and build output. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'dist',
  'out',
  'build',
  'coverage',
  '.next',
]);

/** A source file found under a folder: its absolute path and its path relative to that folder. */
export interface FoundFile {
  absolute: string;
  relative: string;
}

/** What a folder holds for the analyzer: its source files and its package.json manifests (absolute paths). */
export interface ProjectFiles {
  sources: FoundFile[];
  manifests: string[];
}

/**
 * Lists the JS/TS source files and package.json files under `root`, recursively, in a stable (sorted)
 * order. Skips the folders above, declaration files and symbolic links (a link can point outside the
 * project or back into it).
 */
export async function findProjectFiles(root: string): Promise<ProjectFiles> {
  const found: ProjectFiles = { sources: [], manifests: [] };
  await walk(path.resolve(root), '', found);
  return found;
}

async function walk(absoluteDir: string, relativeDir: string, found: ProjectFiles): Promise<void> {
  const entries = await fs.readdir(absoluteDir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = relativeDir ? path.join(relativeDir, entry.name) : entry.name;
    const absolute = path.join(absoluteDir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(absolute, relative, found);
    } else if (entry.isFile() && isSourceFile(entry.name)) {
      found.sources.push({ absolute, relative });
    } else if (entry.isFile() && entry.name === 'package.json') {
      found.manifests.push(absolute);
    }
  }
}

/** Whether a path lies inside one of the skipped folders (for file events from an editor watcher). */
export function isInSkippedFolder(filePath: string): boolean {
  return filePath.split(/[\\/]/).some((part) => SKIPPED_FOLDERS.has(part));
}
