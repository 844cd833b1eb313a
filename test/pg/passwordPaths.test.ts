import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { runInspect } from '../../src/cli/inspect';
import { PoolsTreeModel, type PoolsNode } from '../../src/extension/poolsTreeModel';
import { resolveDomains, type DomainSources } from '../../src/pg/domains';
import type { ProblemKind } from '../../src/pg/errors';
import type { SessionRow, Snapshot } from '../../src/pg/model';
import { Monitor } from '../../src/pg/monitor';
import { CLI } from '../cli/cliHarness';
import { withoutUnhandledRejections } from './leaks';
import { startServer, type TestServer } from './server';
import { printedDuring } from './processOutput';

/**
 * One known password, handed to Pool Lens by every route it reads passwords from (the environment,
 * PGPASSWORD, a `.env` file, `~/.pgpass`, a connection string in settings with the password elsewhere
 * or, refused, inside it, a saved password), then looked for in everything Pool Lens produces from it:
 * the resolved configs and warnings, the monitor's snapshot and session rows, every node and view of
 * the Pools tree, the sentence of every connection fault, what the process printed, and the inspect
 * report, in process and through `node dist/cli.js inspect`, as text and as JSON.
 */

const PASSWORD = 'Known-Zq81-path-secret';
const ROLE = 'paths_app';
/** A second role whose password is not PASSWORD: connecting as it with PASSWORD is the wrong-password fault. */
const OTHER_ROLE = 'paths_other';
const OTHER_PASSWORD = 'Other-Lm52-path-secret';
const THRESHOLDS = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };
const run = promisify(execFile);

interface Target {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: string;
}

/**
 * Where the password travels, and how the rest of the connection is described alongside it. `files`
 * are what the workspace (or home folder) holds for `inspect`; `env` is the process environment.
 */
interface Route {
  name: string;
  pools: (t: Target) => unknown;
  env: (t: Target) => Record<string, string>;
  envFile?: (t: Target) => string;
  pgpass?: string;
  secrets?: Map<string, string>;
  /** Not readable by the CLI (the editor's SecretStorage): in-process monitor only. */
  editorOnly?: boolean;
}

const prefixed = (t: Target, password?: string): Record<string, string> => ({
  PATHS_DB_HOST: t.host,
  PATHS_DB_PORT: String(t.port),
  PATHS_DB_NAME: t.database,
  PATHS_DB_USER: t.user,
  PATHS_DB_SSLMODE: t.sslmode,
  ...(password === undefined ? {} : { PATHS_DB_PASSWORD: password }),
});
const envPool = () => [{ name: 'paths', envPrefix: 'PATHS_DB_' }];
const url = (t: Target, withPassword = false) =>
  `postgres://${t.user}${withPassword ? `:${PASSWORD}` : ''}@${t.host}:${t.port}/${t.database}?sslmode=${t.sslmode}`;

const ROUTES: Route[] = [
  { name: 'PATHS_DB_PASSWORD in the environment', pools: envPool, env: (t) => prefixed(t, PASSWORD) },
  { name: 'PGPASSWORD in the environment', pools: envPool, env: (t) => ({ ...prefixed(t), PGPASSWORD: PASSWORD }) },
  {
    name: 'PATHS_DB_PASSWORD in .env',
    pools: envPool,
    env: () => ({}),
    envFile: (t) => Object.entries(prefixed(t, PASSWORD)).map(([k, v]) => `${k}=${v}`).join('\n'),
  },
  { name: '~/.pgpass', pools: envPool, env: (t) => prefixed(t), pgpass: `*:*:*:*:${PASSWORD}\n` },
  { name: 'a connection string in settings, PGPASSWORD in the environment', pools: (t) => [{ name: 'paths', connectionString: url(t) }], env: () => ({ PGPASSWORD: PASSWORD }) },
  {
    name: 'a connection string with the password in it (ignored), ~/.pgpass',
    pools: (t) => [{ name: 'paths', connectionString: url(t, true) }],
    env: () => ({}),
    pgpass: `*:*:*:*:${PASSWORD}\n`,
  },
  { name: 'a saved password', pools: envPool, env: (t) => prefixed(t), secrets: new Map([['paths', PASSWORD]]), editorOnly: true },
];

function sourcesFor(route: Route, target: Target): DomainSources {
  const envFile = route.envFile?.(target);
  return {
    pools: route.pools(target),
    env: route.env(target),
    ...(envFile !== undefined ? { envFiles: [{ name: '.env', text: envFile }] } : {}),
    ...(route.pgpass !== undefined ? { pgpassText: route.pgpass } : {}),
    ...(route.secrets ? { secrets: route.secrets } : {}),
  };
}

/** Fails if the password occurs in `text`; `what` says where. */
function assertClean(text: string, what: string): void {
  assert.ok(!text.includes(PASSWORD), `the password appears in ${what}:\n${text.slice(0, 2000)}`);
  assert.ok(!text.includes(OTHER_PASSWORD), `the other role's password appears in ${what}`);
}

/** Every node of the tree with its view, sessions paged in, as data. */
function treeDump(snapshot: Snapshot, rows: readonly SessionRow[]): unknown[] {
  const model = new PoolsTreeModel({ snapshot, problems: [], thresholds: THRESHOLDS });
  const out: unknown[] = [];
  const visit = (node: PoolsNode) => {
    out.push(node, model.view(node));
    if (node.kind === 'server') model.serverChildren(node.key).forEach(visit);
    else if (node.kind === 'pool') model.poolChildren(node).forEach(visit);
    else if (node.kind === 'bucket') model.bucketChildren(node, rows, 10).forEach(visit);
  };
  model.roots().forEach(visit);
  return out;
}

describe('A known password, given by every route, appears nowhere Pool Lens writes', function () {
  this.timeout(180_000);
  let server: TestServer;
  let app: pg.Client;
  let silent: net.Server;
  let silentPort: number;
  let closedPort: number;
  let root: string;
  const held = new Set<net.Socket>();

  before(async () => {
    server = await startServer();
    await server.sql(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
    await server.sql(`CREATE ROLE ${OTHER_ROLE} LOGIN PASSWORD '${OTHER_PASSWORD}'`);
    await server.sql(`CREATE DATABASE paths OWNER ${ROLE}`);
    await server.sql(`GRANT pg_read_all_stats TO ${ROLE}`);
    // An application session, so the snapshot, the session rows and the tree have content to leak into.
    app = new pg.Client({ host: server.host, port: server.port, database: 'paths', user: ROLE, password: PASSWORD, application_name: 'paths-app' });
    app.on('error', () => undefined);
    await app.connect();
    await app.query('BEGIN');
    await app.query(`SELECT 'not the password' AS harmless`);
    silent = net.createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined).on('close', () => held.delete(socket));
      socket.resume();
    });
    silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as net.AddressInfo).port)));
    const probe = net.createServer();
    closedPort = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-paths-'));
  });

  after(async () => {
    await app?.end().catch(() => undefined);
    for (const socket of held) socket.destroy();
    if (silent) await new Promise((resolve) => silent.close(resolve));
    if (root) await fs.rm(root, { recursive: true, force: true });
    await server?.stop();
  });

  const good = (): Target => ({ host: server.host, port: server.port, database: 'paths', user: ROLE, sslmode: 'disable' });

  /** Every fault the monitor can meet with this password configured, and the kind it must be reported as. */
  const faults = (): Array<{ fault: string; kind: ProblemKind; target: Target }> => [
    { fault: 'wrong password', kind: 'wrong-password', target: { ...good(), user: OTHER_ROLE } },
    { fault: 'nothing listening', kind: 'refused', target: { ...good(), port: closedPort } },
    { fault: 'unknown host', kind: 'host-not-found', target: { ...good(), host: 'no-such-host.invalid' } },
    { fault: 'a silent server', kind: 'timeout', target: { ...good(), port: silentPort } },
    { fault: 'missing database', kind: 'database-missing', target: { ...good(), database: 'nope' } },
    { fault: 'TLS required by the client, not offered by the server', kind: 'tls-unsupported', target: { ...good(), sslmode: 'require' } },
  ];

  for (const route of ROUTES) {
    describe(`password from ${route.name}`, () => {
      it('the configs, the snapshot, the session rows and every tree node and view', () =>
        withoutUnhandledRejections(async () => {
          const resolved = resolveDomains(sourcesFor(route, good()));
          assert.equal(resolved.passwords.get('paths'), PASSWORD, 'the route did supply the password');
          assertClean(JSON.stringify(resolved.domains), 'the resolved domains');
          assertClean(JSON.stringify(resolved.warnings), 'the warnings');
          const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
          const monitor = new Monitor(configs, resolved.passwords, { connectTimeoutMs: 1500 });
          try {
            const { result, printed } = await printedDuring(async () => {
              const snapshot = await monitor.snapshot();
              const [state] = snapshot.servers;
              assert.equal(state.status, 'ok', state.error);
              const rows = await monitor.sessions(state.key, 'paths', 'paths-app');
              assert.equal(rows.length, 1, 'the application session is listed');
              return { snapshot, rows };
            });
            assertClean(printed, 'what the process printed');
            assertClean(JSON.stringify(result.snapshot), 'the snapshot');
            assertClean(JSON.stringify(result.rows), 'the session rows');
            assertClean(JSON.stringify(treeDump(result.snapshot, result.rows)), 'the tree');
          } finally {
            await monitor.dispose();
          }
        }));

      it('the sentence of every fault, and the tree showing it', () =>
        withoutUnhandledRejections(async () => {
          for (const { fault, kind, target } of faults()) {
            const resolved = resolveDomains(sourcesFor(route, target));
            assert.equal(resolved.passwords.get('paths'), PASSWORD, `${fault}: the route did supply the password`);
            const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
            const monitor = new Monitor(configs, resolved.passwords, { connectTimeoutMs: 1500 });
            try {
              const { result: snapshot, printed } = await printedDuring(() => monitor.snapshot());
              const [state] = snapshot.servers;
              assert.equal(state.errorKind, kind, `${fault}: ${state.error}`);
              assertClean(state.error!, `the sentence for ${fault}`);
              assertClean(printed, `what the process printed for ${fault}`);
              assertClean(JSON.stringify(snapshot), `the snapshot for ${fault}`);
              assertClean(JSON.stringify(treeDump(snapshot, [])), `the tree for ${fault}`);
            } finally {
              await monitor.dispose();
            }
          }
        }));

      if (route.editorOnly) return;

      for (const fault of [{ name: 'connects', user: ROLE, exit: 0 }, { name: 'wrong password', user: OTHER_ROLE, exit: 1 }]) {
        it(`pool-lens inspect (${fault.name}): text and JSON, in process and through dist/cli.js`, () =>
          withoutUnhandledRejections(async () => {
            const target = { ...good(), user: fault.user };
            const folder = await fs.mkdtemp(path.join(root, 'ws-'));
            await fs.mkdir(path.join(folder, '.vscode'));
            await fs.writeFile(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'poolLens.pools': route.pools(target) }));
            const envFile = route.envFile?.(target);
            if (envFile !== undefined) await fs.writeFile(path.join(folder, '.env'), envFile);
            if (route.pgpass !== undefined) await fs.writeFile(path.join(folder, '.pgpass'), route.pgpass, { mode: 0o600 });
            // HOME is the workspace, so ~/.pgpass is the one written here and never the machine's own.
            const env = { ...route.env(target), HOME: folder };
            for (const format of ['text', 'json']) {
              let stdout = '';
              let stderr = '';
              const { result: code, printed } = await printedDuring(() =>
                runInspect(['--format', format], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: folder, env }),
              );
              assert.equal(code, fault.exit, `in process, ${format}: ${stdout}${stderr}`);
              if (fault.exit === 1) assert.match(stdout, new RegExp(`rejected the password for user '${OTHER_ROLE}'`));
              if (format === 'json') JSON.parse(stdout);
              assertClean(stdout + stderr + printed, `inspect --format ${format} in process`);

              const child = await run(process.execPath, [CLI, 'inspect', '--format', format], { cwd: folder, env: { PATH: process.env.PATH ?? '', ...env } }).then(
                (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
                (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
              );
              assert.equal(child.code, fault.exit, `dist/cli.js, ${format}: ${child.stdout}${child.stderr}`);
              if (fault.exit === 0) assert.match(child.stdout, /paths/);
              assertClean(child.stdout + child.stderr, `node dist/cli.js inspect --format ${format}`);
            }
          }));
      }
    });
  }
});
