import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CompanionEndpoint } from '../../src/runtime/protocol';
import { startServer, type TestServer } from '../pg/server';
import { endpointPath, fetchSnapshot, lineOf, PROJECT_ROOT, temporaryWorkspace, waitForEndpoint } from './harness';

const APP = path.join(PROJECT_ROOT, 'test', 'fixtures', 'runtime-app');
const RUNTIME = path.join(PROJECT_ROOT, 'dist', 'runtime.js');

/** Builds dist/ the way `npm run build` does: these tests run the shipped bundles in other processes. */
function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['esbuild.mjs'], { cwd: PROJECT_ROOT }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()));
  });
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exited(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves with the first line the child prints that starts with `prefix`. */
function lineFrom(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before printing '${prefix}': ${seen}${errors}`)));
  });
}

describe('runtime companion in a real process', function () {
  this.timeout(90_000);
  let server: TestServer;
  let workspace: string;

  before(async () => {
    // One after the other: a failed build must not leave a started server that after() cannot stop.
    server = await startServer();
    await build();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    workspace = await temporaryWorkspace();
  });
  afterEach(async () => fs.rm(workspace, { recursive: true, force: true }));

  const env = () => ({
    ...process.env,
    PGHOST: server.host,
    PGPORT: String(server.port),
    PGPASSWORD: server.password,
    POOL_LENS_WORKSPACE: workspace,
  });

  it('dist/runtime.js works from a plain node script, never keeps it alive, and its file goes with the process', async () => {
    const child = spawn(process.execPath, [path.join(APP, 'instrumented.cjs')], { env: { ...env(), POOL_LENS_RUNTIME: RUNTIME }, cwd: APP });
    const printed = lineFrom(child, '{');
    const exit = exited(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await printed;
    assert.deepEqual(await exit, { code: 0, signal: null }, 'the script ended by itself');
    const endpoint = JSON.parse(output) as CompanionEndpoint;
    assert.deepEqual([endpoint.pid, endpoint.host, endpoint.cwd], [child.pid, '127.0.0.1', APP]);
    await assert.rejects(fs.stat(endpointPath(workspace, endpoint.pid)), { code: 'ENOENT' }, 'removed on exit');
  });

  for (const { flag, file, name } of [
    { flag: '--require', file: 'leak.cjs', name: 'leaky-app' },
    { flag: '--import', file: 'leak.mjs', name: 'leaky-esm-app' },
  ]) {
    it(`${flag} pool-lens/register instruments the app's pg.Pool and serves its leaked checkout`, async () => {
      // As a user runs it: the package name, resolved through package.json "exports" from the app's folder.
      await fs.mkdir(path.join(workspace, 'node_modules'));
      await fs.symlink(PROJECT_ROOT, path.join(workspace, 'node_modules', 'pool-lens'), 'dir');
      const child = spawn(process.execPath, [flag, 'pool-lens/register', path.join(APP, file)], { env: env(), cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
      const exit = exited(child);
      try {
        const ready = await lineFrom(child, 'ready ');
        const endpoint = await waitForEndpoint(workspace, child.pid);
        const snapshot = await fetchSnapshot(endpoint);
        assert.equal(snapshot.pid, child.pid);
        assert.deepEqual(snapshot.pools.map((pool) => pool.name), [name]);
        const [pool] = snapshot.pools;
        assert.deepEqual([pool.checkedOut, pool.totalCount, pool.idleCount, pool.database, pool.applicationName], [1, 1, 0, 'postgres', name]);
        const [checkout] = pool.checkouts;
        assert.equal(checkout.file, path.join(APP, file));
        assert.equal(checkout.line, await lineOf(path.join(APP, file), `acquisition: ${file}`));
        assert.equal(String(checkout.backendPid), ready.slice('ready '.length));
      } finally {
        child.stdin.end();
      }
      assert.deepEqual(await exit, { code: 0, signal: null });
      await assert.rejects(fs.stat(endpointPath(workspace, child.pid)), { code: 'ENOENT' }, 'removed on process.exit()');
    });
  }
});
