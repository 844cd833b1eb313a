import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import pg from 'pg';
import { instrument } from '../../src/runtime/index';
import { COMPANION_FILE_PATTERN, COMPANION_FOLDER, type CompanionSnapshot } from '../../src/runtime/protocol';
import { eventually } from '../pg/server';
import { endpointPath, request, temporaryWorkspace, waitForEndpoint } from './harness';

/** A pool that never connects: the endpoint and the socket need no database. */
function idlePool(): pg.Pool {
  return new pg.Pool({ host: '127.0.0.1', port: 1, database: 'inventory', application_name: 'inventory-api' });
}

describe('runtime companion: endpoint file and socket', () => {
  let workspace: string;
  let dispose: () => void;

  beforeEach(async () => {
    workspace = await temporaryWorkspace();
    dispose = instrument(idlePool(), { workspace }).dispose;
  });
  afterEach(async () => {
    dispose();
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('writes a 0600 endpoint file with a fresh token next to a .gitignore of *, bound to loopback', async () => {
    const endpoint = await waitForEndpoint(workspace);
    const stat = await fs.stat(endpointPath(workspace));
    assert.equal(stat.mode & 0o777, 0o600);
    assert.equal(await fs.readFile(path.join(workspace, COMPANION_FOLDER, '.gitignore'), 'utf8'), '*\n');
    assert.deepEqual([endpoint.version, endpoint.pid, endpoint.host, endpoint.cwd], [1, process.pid, '127.0.0.1', process.cwd()]);
    assert.match(endpoint.token, /^[0-9a-f]{64}$/);
    const names = await fs.readdir(path.join(workspace, COMPANION_FOLDER));
    assert.deepEqual(names.sort(), ['.gitignore', `companion-${process.pid}.json`], 'no temporary file is left behind');
  });

  it('answers GET /v1/pools with the snapshot only to the right token', async () => {
    const endpoint = await waitForEndpoint(workspace);
    const answer = await request(endpoint.port, { token: endpoint.token });
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const snapshot = JSON.parse(answer.body) as CompanionSnapshot;
    assert.equal(snapshot.pid, process.pid);
    assert.ok(snapshot.pools.some((pool) => pool.name === 'inventory-api' && pool.database === 'inventory'));

    const wrongToken = endpoint.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    for (const token of [undefined, wrongToken, endpoint.token.slice(1), `${endpoint.token}0`, '']) {
      const refused = await request(endpoint.port, { token });
      assert.equal(refused.status, 401, `token ${String(token)}`);
      assert.ok(!refused.body.includes('inventory'), 'nothing about the pools without the token');
    }
    // Without the token even a wrong method or path learns nothing but 401.
    assert.equal((await request(endpoint.port, { method: 'DELETE', path: '/v1/pools' })).status, 401);
    assert.equal((await request(endpoint.port, { path: '/' })).status, 401);
  });

  it('answers 404 to other paths, 405 to other methods and 413 to a body, with the token', async () => {
    const { port, token } = await waitForEndpoint(workspace);
    assert.equal((await request(port, { token, path: '/v1/pools/x' })).status, 404);
    assert.equal((await request(port, { token, path: '/v1/pools?all=1' })).status, 404);
    assert.equal((await request(port, { token, path: '/' })).status, 404);
    const post = await request(port, { token, method: 'POST' });
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET']);
    assert.equal((await request(port, { token, method: 'PUT' })).status, 405);
    assert.equal((await request(port, { token, method: 'GET', body: '{"x":1}' })).status, 413);
  });

  it('listens on 127.0.0.1 only', async () => {
    const { port } = await waitForEndpoint(workspace);
    // 127.0.0.2 is loopback too, but the socket is bound to 127.0.0.1 alone.
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.2', port });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    assert.equal(refused, 'ECONNREFUSED');
  });

  it('removes the endpoint file when the last pool is disposed, and stops answering', async () => {
    const { port, token } = await waitForEndpoint(workspace);
    const second = instrument(idlePool(), { workspace });
    second.dispose();
    await fs.stat(endpointPath(workspace));
    dispose();
    await assert.rejects(fs.stat(endpointPath(workspace)), { code: 'ENOENT' });
    await assert.rejects(request(port, { token }), { code: 'ECONNREFUSED' });
  });

  it('removes endpoint files of processes that are gone', async () => {
    await waitForEndpoint(workspace);
    dispose();
    const folder = path.join(workspace, COMPANION_FOLDER);
    // PIDs above the kernel's pid_max (4194304 at most) belong to no process.
    const stale = path.join(folder, 'companion-99999999.json');
    await fs.writeFile(stale, '{}');
    dispose = instrument(idlePool(), { workspace }).dispose;
    await waitForEndpoint(workspace);
    const names = (await fs.readdir(folder)).filter((name) => COMPANION_FILE_PATTERN.test(name));
    assert.deepEqual(names, [`companion-${process.pid}.json`]);
  });

  it('refuses, in one sentence, a value that is not a pg Pool', () => {
    for (const value of [undefined, {}, { connect() {} }, new pg.Client()]) {
      assert.throws(() => instrument(value), { name: 'TypeError', message: /^pool-lens: instrument\(\) needs a pg Pool .*; the value given is not one\.$/ });
    }
  });

  it('says in one sentence on stderr that it cannot write the endpoint file, and the pool works on', async () => {
    dispose();
    const blocked = path.join(workspace, 'not-a-folder');
    await fs.writeFile(blocked, '');
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      const handle = instrument(idlePool(), { workspace: blocked });
      dispose = handle.dispose;
      await eventually('the warning', async () => (written.length > 0 ? true : undefined));
      assert.equal(handle.snapshot().name, 'inventory-api');
    } finally {
      process.stderr.write = write;
    }
    assert.equal(written.length, 1);
    assert.match(written[0], /^pool-lens: the runtime companion could not write its endpoint file in .*not-a-folder.* \(ENOTDIR\).*POOL_LENS_WORKSPACE.*\.\n$/);
  });
});
