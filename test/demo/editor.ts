import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildExtension, packageVsix } from '../runner/build';
import { ensureCodeServer } from '../runner/codeServer/install';
import { USER_SETTINGS } from '../runner/codeServer/launcher';
import { startCodeServer } from '../runner/codeServer/server';
import { PROJECT_ROOT } from '../runner/paths';
import { temporaryDir } from '../runner/tempDirs';

export type OpenedEditor = { kind: 'desktop'; command: string } | { kind: 'code-server'; url: string; logFile: string };

/** `POOL_LENS_DEMO_EDITOR=code-server` uses the browser even where desktop VS Code is installed. */
const EDITOR_CHOICE_ENV = 'POOL_LENS_DEMO_EDITOR';

/**
 * Opens `workspace` in an editor with the extension: desktop VS Code with the checkout as extension
 * development path when `code` is on PATH, otherwise code-server (installed on demand into the cache
 * folder) with the packaged extension, for a browser to open.
 */
export async function openEditor(workspace: string, log: (line: string) => void): Promise<OpenedEditor> {
  const choice = process.env[EDITOR_CHOICE_ENV];
  if (choice !== undefined && choice !== 'desktop' && choice !== 'code-server') {
    throw new Error(`${EDITOR_CHOICE_ENV} is '${choice}'; use 'desktop' or 'code-server', or leave it unset.`);
  }
  const code = choice === 'code-server' ? undefined : findOnPath('code');
  if (choice === 'desktop' && !code) throw new Error(`${EDITOR_CHOICE_ENV}=desktop, but no \`code\` command is on PATH.`);
  if (code) {
    log(`editor: desktop VS Code (${code})`);
    await buildExtension();
    await run(code, ['--new-window', '--disable-workspace-trust', `--extensionDevelopmentPath=${PROJECT_ROOT}`, workspace]);
    return { kind: 'desktop', command: code };
  }

  log('editor: code-server in the browser (no `code` command on PATH)');
  const install = await withProgress(ensureCodeServer(log), log, 'still installing code-server');
  const stateDir = await temporaryDir('demo-editor');
  log('packaging the extension as a .vsix');
  const vsix = await packageVsix(PROJECT_ROOT, path.join(stateDir, 'pool-lens.vsix'));
  const server = await startCodeServer({ install, stateDir, extensions: [vsix], userSettings: USER_SETTINGS, env: {}, log });
  return { kind: 'code-server', url: `${server.url}/?folder=${workspace.split('/').map(encodeURIComponent).join('/')}`, logFile: server.logFile };
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** Runs the `code` launcher, which hands the window to VS Code and returns. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (exitCode) => (exitCode === 0 ? resolve() : reject(new Error(`\`${command} ${args.join(' ')}\` exited with ${exitCode}.`))));
  });
}

/** A first install takes minutes of silence; say every half minute that it is still going. */
async function withProgress<T>(work: Promise<T>, log: (line: string) => void, what: string): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => log(`${what} (${Math.round((Date.now() - started) / 1000)} s) …`), 30_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
