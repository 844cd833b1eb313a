import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { moduleKey } from '../core/project';

const SCRIPT_FILE = /\.(?:[cm]?[jt]sx?)$/i;
/** Programs that run their first positional argument as a script, even without an extension. */
const RUNNERS = new Set(['node', 'tsx', 'ts-node', 'ts-node-esm', 'bun', 'babel-node', 'nodemon', 'vite-node']);
/** Runner flags whose next word is a value, not the script (`node -r dotenv/config seed.js`). */
const FLAGS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file']);
/** Runner flags that run inline code instead of a file (`node -e "…"`). */
const INLINE_CODE_FLAGS = new Set(['-e', '--eval', '-p', '--print']);
/** Words that only prefix the real command (`npx tsx x.ts`, `cross-env A=1 node x.js`). */
const PREFIXES = new Set(['npx', 'cross-env', 'exec', 'time']);

/**
 * Module keys of the files a package.json runs as programs: every `bin` entry and every file an npm
 * script runs (`node scripts/migrate.js`, `tsx src/seed.ts`). Paths resolve against `packageDir`.
 * Anything that is not an object with those fields yields nothing: a broken manifest is not an error here.
 */
export function scriptModuleKeys(packageDir: string, manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { bin, scripts } = manifest as { bin?: unknown; scripts?: unknown };
  const files: string[] = [];
  if (typeof bin === 'string') files.push(bin);
  else if (isRecord(bin)) for (const value of Object.values(bin)) if (typeof value === 'string') files.push(value);
  if (isRecord(scripts)) {
    for (const command of Object.values(scripts)) if (typeof command === 'string') files.push(...filesRunBy(command));
  }
  return [...new Set(files.map((file) => moduleKey(path.resolve(packageDir, file))))];
}

/**
 * The script files one npm script command line runs: the first positional argument of a runner
 * (`node`, `tsx`, `ts-node` …), or the command itself when it is a source file (`./scripts/seed.js`).
 * Arguments of other tools (`eslint src/index.ts`) are not scripts.
 */
export function filesRunBy(command: string): string[] {
  const files: string[] = [];
  for (const segment of command.split(/&&|\|\||[;|&]/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .map((word) => word.replace(/^['"]|['"]$/g, ''))
      .filter(Boolean);
    let index = 0;
    while (index < words.length && (PREFIXES.has(words[index]) || /^\w+=/.test(words[index]))) index++;
    const program = words[index];
    if (program === undefined) continue;
    if (isScriptPath(program) && SCRIPT_FILE.test(program)) {
      files.push(program);
      continue;
    }
    if (!RUNNERS.has(path.basename(program))) continue;
    for (let i = index + 1; i < words.length; i++) {
      const word = words[i];
      if (INLINE_CODE_FLAGS.has(word)) break;
      if (word.startsWith('-')) {
        if (FLAGS_WITH_VALUE.has(word)) i++;
        continue;
      }
      if (isScriptPath(word)) files.push(word);
      break;
    }
  }
  return files;
}

/** A plain relative or absolute path: no globs, no URLs, not a declaration file. */
function isScriptPath(word: string): boolean {
  return /^[\w.@/\\-]+$/.test(word) && !/\.d\.[cm]?ts$/i.test(word);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one package.json and returns its script module keys; a missing or broken file gives none. */
export async function readScriptModuleKeys(packageJsonPath: string): Promise<string[]> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await fs.readFile(packageJsonPath, 'utf8'));
  } catch {
    return [];
  }
  return scriptModuleKeys(path.dirname(packageJsonPath), manifest);
}

/** The package.json nearest to `start` (a file or folder), walking up; undefined when there is none. */
export async function findNearestPackageJson(start: string): Promise<string | undefined> {
  let dir = path.resolve(start);
  try {
    if (!(await fs.stat(dir)).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; try the parent folder.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
