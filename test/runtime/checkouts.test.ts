import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import pg from 'pg';
import { instrument, type CompanionHandle } from '../../src/runtime/index';
import type { AppPoolSnapshot } from '../../src/runtime/protocol';
import { eventually, startServer, type TestServer } from '../pg/server';
import { endpointPath, fetchSnapshot, lineOf, temporaryWorkspace, waitForEndpoint } from './harness';

describe('runtime companion: checkouts of a real pool', function () {
  this.timeout(60_000);
  let server: TestServer;
  let workspace: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  before(async () => {
    server = await startServer();
    workspace = await temporaryWorkspace();
  });
  after(async () => {
    await server?.stop();
    if (workspace) await fs.rm(workspace, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  function makePool(extra: pg.PoolConfig = {}): pg.Pool {
    const pool = new pg.Pool({ host: server.host, port: server.port, user: 'postgres', password: server.password, database: 'postgres', ...extra });
    pool.on('error', () => undefined);
    cleanups.push(() => pool.end());
    return pool;
  }

  function tracked(pool: pg.Pool, name?: string): CompanionHandle {
    const handle = instrument(pool, { name, workspace });
    cleanups.push(async () => handle.dispose());
    return handle;
  }

  const only = (snapshot: AppPoolSnapshot) => {
    assert.equal(snapshot.checkouts.length, 1, JSON.stringify(snapshot.checkouts));
    return snapshot.checkouts[0];
  };

  it('reports a leaked checkout with the file and line that called connect(), over the socket too', async () => {
    const pool = makePool();
    const handle = tracked(pool, 'orders');
    const client = await pool.connect(); // acquisition: leaked checkout
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const endpoint = await waitForEndpoint(workspace);
    const served = (await fetchSnapshot(endpoint)).pools.find((p) => p.name === 'orders');
    assert.ok(served, 'the pool is served');
    const checkout = only(served);
    assert.equal(checkout.file, __filename);
    assert.equal(checkout.line, await lineOf(__filename, 'acquisition: leaked checkout'));
    assert.equal(checkout.backendPid, pid);
    assert.ok(checkout.stack.length > 0 && checkout.stack.every((frame) => frame.startsWith('at ')), checkout.stack.join('\n'));
    assert.ok(checkout.ageMs >= 0);
    assert.equal(served.checkedOut, 1);
    assert.equal(handle.snapshot().checkouts[0].line, checkout.line);
    client.release();
  });

  it('drops a checkout once it is released, and counts it', async () => {
    const pool = makePool();
    const handle = tracked(pool);
    const client = await pool.connect();
    assert.equal(handle.snapshot().checkedOut, 1);
    client.release();
    const after = handle.snapshot();
    assert.deepEqual([after.checkedOut, after.checkouts.length, after.checkoutsTotal, after.idleCount, after.totalCount], [0, 0, 1, 1, 1]);
  });

  it('release(err) destroys the client: no checkout, one client fewer', async () => {
    const pool = makePool();
    const handle = tracked(pool);
    const client = await pool.connect();
    client.release(new Error('broken'));
    const after = handle.snapshot();
    assert.deepEqual([after.checkedOut, after.idleCount, after.totalCount], [0, 0, 0]);
    const again = await pool.connect();
    again.release(true);
    assert.deepEqual([handle.snapshot().checkedOut, handle.snapshot().totalCount, handle.snapshot().checkoutsTotal], [0, 0, 2]);
  });

  it('follows the callback form, with the line of the connect call', async () => {
    const pool = makePool();
    const handle = tracked(pool);
    const { done, seen } = await new Promise<{ done: (err?: Error | boolean) => void; seen: AppPoolSnapshot }>((resolve, reject) => {
      pool.connect((err, _client, release) => { // acquisition: callback form
        if (err) return reject(err);
        resolve({ done: release, seen: handle.snapshot() });
      });
    });
    const checkout = only(seen);
    assert.equal(checkout.file, __filename);
    assert.equal(checkout.line, await lineOf(__filename, 'acquisition: callback form'));
    done();
    assert.equal(handle.snapshot().checkedOut, 0);
  });

  it('follows the checkout pool.query makes, with the line of the query call', async () => {
    const pool = makePool();
    const handle = tracked(pool);
    const running = pool.query('SELECT pg_sleep(0.3)'); // acquisition: pool.query
    const during = await eventually('the query to check out a client', async () => {
      const snapshot = handle.snapshot();
      return snapshot.checkedOut === 1 ? snapshot : undefined;
    });
    const checkout = only(during);
    assert.equal(checkout.file, __filename);
    assert.equal(checkout.line, await lineOf(__filename, 'acquisition: pool.query'));
    await running;
    assert.deepEqual([handle.snapshot().checkedOut, handle.snapshot().checkoutsTotal], [0, 1]);
  });

  it("reports pg-pool's own counters and the peaks, with max = 2 and three concurrent callers", async () => {
    const pool = makePool({ max: 2 });
    const handle = tracked(pool);
    const counters = () => {
      const s = handle.snapshot();
      return { total: s.totalCount, idle: s.idleCount, waiting: s.waitingCount };
    };
    const own = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    const callers = [pool.connect(), pool.connect(), pool.connect()];
    assert.deepEqual(counters(), own());
    assert.equal(pool.waitingCount, 1, 'the third caller waits');
    const [first, second] = await Promise.all(callers.slice(0, 2));
    assert.deepEqual(counters(), own());
    first.release();
    const third = await callers[2];
    assert.deepEqual(counters(), own());
    const s = handle.snapshot();
    assert.deepEqual([s.max, s.peakCheckedOut, s.peakWaiting, s.checkedOut, s.checkoutsTotal], [2, 2, 1, 2, 3]);
    second.release();
    third.release();
    assert.deepEqual(counters(), { total: 2, idle: 2, waiting: 0 });
    assert.deepEqual(counters(), own());
  });

  it('records nothing for a connection that fails, and passes the error on unchanged', async () => {
    const pool = makePool({ port: 1, connectionTimeoutMillis: 2000 });
    const handle = tracked(pool);
    await assert.rejects(pool.connect(), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
    const s = handle.snapshot();
    assert.deepEqual([s.checkedOut, s.checkoutsTotal, s.totalCount], [0, 0, 0]);
  });

  it('stops following a pool once pool.end() finishes, restoring its methods and removing the endpoint file', async () => {
    const own = await temporaryWorkspace();
    cleanups.push(() => fs.rm(own, { recursive: true, force: true }));
    const pool = new pg.Pool({ host: server.host, port: server.port, user: 'postgres', password: server.password });
    const handle = instrument(pool, { workspace: own });
    assert.ok(Object.hasOwn(pool, 'connect'));
    (await pool.connect()).release();
    await waitForEndpoint(own);
    await pool.end();
    assert.equal(Object.hasOwn(pool, 'connect'), false, 'pg-pool’s own connect is back');
    await assert.rejects(fs.stat(endpointPath(own)), { code: 'ENOENT' });
    assert.equal(handle.snapshot().checkedOut, 0);
  });

  it('names a pool from application_name, then database, and never serves a password or connection string', async () => {
    const secret = 's3cret-Pa55';
    const url = `postgres://postgres:${secret}@${server.host}:${server.port}/postgres?application_name=billing-worker`;
    const urlPool = new pg.Pool({ connectionString: url });
    cleanups.push(() => urlPool.end());
    const byUrl = tracked(urlPool);
    const byDatabase = tracked(makePool());
    const text = JSON.stringify([byUrl.snapshot(), byDatabase.snapshot()]);
    assert.ok(!text.includes(secret) && !text.includes('postgres://'), text);
    const { name, host, port, database, user, applicationName } = byUrl.snapshot();
    assert.deepEqual({ name, host, port, database, user, applicationName }, {
      name: 'billing-worker',
      host: server.host,
      port: server.port,
      database: 'postgres',
      user: 'postgres',
      applicationName: 'billing-worker',
    });
    assert.equal(byDatabase.name, 'postgres');
    const endpoint = await waitForEndpoint(workspace);
    const served = JSON.stringify(await fetchSnapshot(endpoint));
    assert.ok(!served.includes(secret) && !served.includes(server.password), 'no password over the socket');
  });
});
