import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { onCleanup } from '../cleanup';
import { freeLoopbackPort, waitForHttp } from '../net';
import { runChecked } from '../processes';
import type { CodeServerInstall } from './install';

export interface CodeServerOptions {
  install: CodeServerInstall;
  /** Throw-away folder for user data, extensions, config and the server log. */
  stateDir: string;
  /** Extensions (.vsix files) to install before starting. */
  extensions: string[];
  /** Settings for the user profile, written before start. */
  userSettings: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host it starts. */
  env: Record<string, string>;
  /** Keep workspace trust on (the untrusted pass); by default code-server starts with it disabled. */
  workspaceTrust?: boolean;
  log: (line: string) => void;
}

export interface RunningCodeServer {
  url: string;
  logFile: string;
}

/**
 * Installs the extensions into a fresh extensions folder and starts code-server on a free loopback
 * port without authentication. The server is stopped by the run's cleanup.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const { install, stateDir } = options;
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  const configFile = path.join(stateDir, 'config.yaml');
  const logFile = path.join(stateDir, 'code-server.log');
  await mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  // An explicit config file, so code-server does not write one into the user's home.
  await writeFile(configFile, 'auth: none\n');
  await writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));

  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of options.extensions) {
    await runChecked(install.node, [install.entry, ...common, '--force', '--install-extension', vsix]);
  }

  const port = await freeLoopbackPort();
  const args = [
    install.entry,
    ...common,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const logStream = createWriteStream(logFile);
  const server = spawn(install.node, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the cleanup can end the server together with the extension host.
    detached: true,
  });
  server.stdout.pipe(logStream);
  server.stderr.pipe(logStream);
  let exited = false;
  server.on('exit', () => (exited = true));
  onCleanup(() => stopProcessGroup(server.pid, () => exited));

  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 60_000, () => !exited);
  options.log(`code-server ${install.codeServerVersion} listening on ${url} (log: ${logFile})`);
  return { url, logFile };
}

/** SIGTERM to the whole group, then SIGKILL after a grace period if anything is still running. */
async function stopProcessGroup(pid: number | undefined, hasExited: () => boolean): Promise<void> {
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (!hasExited() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  signalGroup('SIGKILL');
}
