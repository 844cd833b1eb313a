import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ProjectFacts } from '../core/project';
import { findNearestPackageJson, readScriptModuleKeys } from '../workspace/packageScripts';
import { ProjectIndex } from '../workspace/projectIndex';
import { findProjectFiles } from '../workspace/sourceFiles';

/**
 * Project facts indexed for ESLint, by absolute project root. ESLint rules run synchronously and ESLint
 * settings should stay plain data, so the facts live here and the settings only name the root.
 */
const indexedRoots = new Map<string, ProjectFacts>();

/**
 * Indexes a project the way `pool-lens lint <root>` does: every source file under the root (skipping
 * dependencies and build output) for the pools it exports, and the package.json files under it and
 * above it for the files they run as scripts.
 */
export async function indexProject(root: string): Promise<string> {
  const absolute = path.resolve(root);
  const files = await findProjectFiles(absolute);
  const index = new ProjectIndex((file) => fs.readFile(file, 'utf8'));
  const manifests = new Set(files.manifests);
  const nearest = await findNearestPackageJson(absolute);
  if (nearest) manifests.add(nearest);
  const keys: string[] = [];
  for (const manifest of manifests) keys.push(...(await readScriptModuleKeys(manifest)));
  index.setScriptFiles(keys);
  await index.addFiles(files.sources.map((file) => file.absolute));
  indexedRoots.set(absolute, index.facts());
  return absolute;
}

/** The facts for a file under an indexed root; undefined for other files (they are analysed on their own). */
export function factsFor(root: unknown, file: string): ProjectFacts | undefined {
  if (typeof root !== 'string') return undefined;
  const facts = indexedRoots.get(root);
  if (!facts) return undefined;
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? facts : undefined;
}
