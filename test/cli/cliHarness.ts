import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');
export const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Builds dist/ the way `npm run build` does, so the tests exercise the shipped bundle. */
export function buildCli(): Promise<CliRun> {
  return run(process.execPath, ['esbuild.mjs'], PROJECT_ROOT);
}

/** Runs the built CLI in `cwd` and collects what it printed and its exit status. */
export function runCli(args: readonly string[], cwd: string): Promise<CliRun> {
  return run(process.execPath, [CLI, ...args], cwd);
}

function run(command: string, args: readonly string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Copies a fixture folder into a fresh temporary folder, for tests that add or change files. */
export async function copyFixture(name: string): Promise<string> {
  const target = await fs.mkdtemp(path.join(os.tmpdir(), `pool-lens-${name}-`));
  await fs.cp(path.join(FIXTURES, name), target, { recursive: true });
  return target;
}

/** 1-based line and column of the first occurrence of `snippet` in a file, and of the position just past it. */
export async function locate(file: string, snippet: string): Promise<{ line: number; column: number; endLine: number; endColumn: number }> {
  const text = await fs.readFile(file, 'utf8');
  const offset = text.indexOf(snippet);
  if (offset < 0) throw new Error(`${snippet} is not in ${file}`);
  const position = (at: number) => {
    const before = text.slice(0, at).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  };
  const start = position(offset);
  const end = position(offset + snippet.length);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
