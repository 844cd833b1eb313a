import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSourceFile } from '../src/core/parse';
import { SKIPPED_FOLDERS } from '../src/workspace/sourceFiles';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Real code nobody on this project wrote: the JS/TS sources of installed packages (declaration
 * files and nested node_modules left out). Only the pg packages use pg.
 */
export const CORPUS_SOURCES = [
  'pg/lib',
  'pg-pool/index.js',
  'pg-protocol/src',
  'pg-connection-string/index.js',
  'mocha/lib',
  'esbuild/lib/main.js',
  'eslint/lib',
  '@typescript-eslint/typescript-estree/dist',
  'undici/lib',
] as const;

export interface CorpusFile {
  /** Absolute path of the copy. */
  file: string;
  bytes: number;
}

export interface Corpus {
  /** Temporary folder: `sources` and room for tool configuration beside it. */
  root: string;
  /** Folder holding the copies; `pool-lens lint <sources>` finds exactly `files`. */
  sources: string;
  files: CorpusFile[];
  bytes: number;
}

/**
 * Copies the corpus `copies` times (at most `limit` files) into a fresh temporary folder. The CLI skips `node_modules`,
 * `dist` and other build folders, so path segments with those names get a `_` suffix in the copy.
 */
export async function prepareCorpus(copies = 1, limit = Number.POSITIVE_INFINITY): Promise<Corpus> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-bench-corpus-'));
  const sources = await listSources();
  const files: CorpusFile[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const source of sources) {
      if (files.length >= limit) break;
      const relative = path.relative(path.join(PROJECT_ROOT, 'node_modules'), source);
      const safe = relative.split(path.sep).map((part) => (SKIPPED_FOLDERS.has(part) ? `${part}_` : part));
      const target = path.join(root, 'sources', `copy${copy}`, ...safe);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(source, target);
      files.push({ file: target, bytes: (await fs.stat(target)).size });
    }
  }
  return { root, sources: path.join(root, 'sources'), files, bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}

export async function removeCorpus(corpus: Corpus): Promise<void> {
  await fs.rm(corpus.root, { recursive: true, force: true });
}

async function listSources(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of CORPUS_SOURCES) {
    const absolute = path.join(PROJECT_ROOT, 'node_modules', entry);
    const stats = await fs.stat(absolute);
    if (stats.isFile()) found.push(absolute);
    else await walk(absolute, found);
  }
  return found.sort();
}

async function walk(dir: string, found: string[]): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') await walk(absolute, found);
    else if (entry.isFile() && isSourceFile(entry.name)) found.push(absolute);
  }
}
