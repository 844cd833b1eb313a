import assert from 'node:assert/strict';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import pg from 'pg';
import { instrument } from '../../src/runtime/index';
import { startServer, type TestServer } from '../pg/server';
import { temporaryWorkspace } from './harness';

type Outcome = Record<string, unknown>;

/** What a caller can observe of an error. */
function seen(error: unknown): Outcome {
  const e = error as NodeJS.ErrnoException & { severity?: string; position?: string; cause?: unknown };
  return { kind: e?.constructor?.name, message: e?.message, code: e?.code, severity: e?.severity, position: e?.position, hasCause: e?.cause !== undefined };
}

async function settle(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    const value = await work();
    return { ok: value };
  } catch (error) {
    return { error: seen(error) };
  }
}

/**
 * node-postgres behaviours a user relies on, run once on plain pools and once on instrumented ones; the two
 * runs must observe the same things: results, errors, pool events in order, counters, and the order in which
 * callbacks run relative to the event loop.
 */
describe('runtime companion: the pool behaves exactly as without it', function () {
  this.timeout(90_000);
  let server: TestServer;
  let workspace: string;
  let silent: net.Server;
  const silentSockets = new Set<net.Socket>();

  before(async () => {
    server = await startServer();
    workspace = await temporaryWorkspace();
    silent = net.createServer((socket) => silentSockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of silentSockets) socket.destroy();
    silent?.close();
    await server?.stop();
    if (workspace) await fs.rm(workspace, { recursive: true, force: true });
  });

  async function suite(instrumented: boolean): Promise<{ outcomes: Outcome; checkouts: number }> {
    const outcomes: Outcome = {};
    let checkouts = 0;
    const scenario = async (name: string, config: pg.PoolConfig, body: (pool: pg.Pool, log: string[]) => Promise<unknown>) => {
      const pool = new pg.Pool({ host: server.host, port: server.port, user: 'postgres', password: server.password, database: 'postgres', ...config });
      const log: string[] = [];
      for (const event of ['connect', 'acquire', 'release', 'remove', 'error'] as const) pool.on(event, (...args: unknown[]) => log.push(event + (event === 'release' && args[0] ? '(err)' : '')));
      const handle = instrumented ? instrument(pool, { workspace, name }) : undefined;
      const result = await settle(() => body(pool, log));
      checkouts += handle?.snapshot().checkoutsTotal ?? 0;
      const counters = { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
      // Copied before ending: pool.end() resolves before its clients' sockets close and 'remove' is emitted.
      const events = [...log];
      if (!pool.ending) await pool.end();
      handle?.dispose();
      outcomes[name] = { result, log: events, counters, ownMethods: Object.keys(pool).filter((key) => key === 'connect' || key.startsWith('_acquire')) };
    };

    await scenario('query results', {}, async (pool) => {
      const res = await pool.query('SELECT $1::int + 1 AS n, $2::text AS label', [41, 'x']);
      return { rows: res.rows, command: res.command, rowCount: res.rowCount, fields: res.fields.map((f) => [f.name, f.dataTypeID]) };
    });
    await scenario('callback query', {}, (pool) =>
      new Promise((resolve) => {
        pool.query('SELECT 1 AS one', function (this: unknown, err: Error | undefined, res: pg.QueryResult) {
          resolve({ thisIsUndefined: this === undefined, err: err && seen(err), rows: res?.rows });
        });
      }),
    );
    await scenario('SQL error through pool.query', {}, (pool) => pool.query('SELECT 1/0'));
    await scenario('SQL error on a client, which stays usable', {}, async (pool) => {
      const client = await pool.connect();
      try {
        const failed = await settle(() => client.query('SELECT * FROM no_such_table'));
        const after = await client.query('SELECT 2 AS two');
        return { failed, after: after.rows };
      } finally {
        client.release();
      }
    });
    await scenario('connection refused', { port: 1 }, (pool) => pool.connect());
    await scenario('waiting past connectionTimeoutMillis', { max: 1, connectionTimeoutMillis: 300 }, async (pool) => {
      const held = await pool.connect();
      const waited = await settle(() => pool.connect());
      const waitingAfter = pool.waitingCount;
      held.release();
      return { waited, waitingAfter };
    });
    await scenario('connecting past connectionTimeoutMillis', { host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port, connectionTimeoutMillis: 300 }, (pool) =>
      pool.connect(),
    );
    await scenario('release(err) destroys the client', {}, async (pool) => {
      const client = await pool.connect();
      const removed = once(pool, 'remove');
      client.release(new Error('poisoned'));
      await removed;
      const again = await pool.connect();
      const same = again === client;
      const removedAgain = once(pool, 'remove');
      again.release(true);
      await removedAgain;
      return { same };
    });
    await scenario('double release', {}, async (pool) => {
      const client = await pool.connect();
      client.release();
      return settle(async () => client.release());
    });
    await scenario('callback connect and done', {}, (pool) =>
      new Promise((resolve) => {
        pool.connect(function (this: unknown, err, client, done) {
          const thisIsUndefined = this === undefined;
          client!.query('SELECT 3 AS three', (queryError, res) => {
            done();
            resolve({ thisIsUndefined, err: err && seen(err), queryError: queryError && seen(queryError), rows: res.rows });
          });
        });
      }),
    );
    await scenario('order of callbacks for an idle client', {}, async (pool) => {
      (await pool.connect()).release();
      const order: string[] = [];
      const connected = pool.connect().then((client) => {
        order.push('resolved');
        client.release();
      });
      process.nextTick(() => order.push('nextTick'));
      void Promise.resolve().then(() => order.push('microtask'));
      setImmediate(() => order.push('immediate'));
      await connected;
      await new Promise((resolve) => setImmediate(resolve));
      return order;
    });
    await scenario('pool.end', {}, async (pool) => {
      (await pool.connect()).release();
      const ended = await settle(() => pool.end());
      return { ended, flags: [pool.ending, pool.ended], afterEnd: await settle(() => pool.connect()), endAgain: await settle(() => pool.end()) };
    });
    await scenario('a Promise of the app', { Promise: CountingPromise }, async (pool) => {
      CountingPromise.made = 0;
      const pending = pool.connect();
      const kind = pending instanceof CountingPromise;
      (await pending).release();
      return { kind, made: CountingPromise.made };
    });
    return { outcomes, checkouts };
  }

  it('gives the same results, errors, events, counters and callback order with and without instrumentation', async () => {
    const plain = await suite(false);
    const instrumented = await suite(true);
    assert.ok(instrumented.checkouts >= 10, `the instrumented run followed its checkouts (${instrumented.checkouts})`);
    assert.equal(plain.checkouts, 0);
    // Anchors: the suite observes what node-postgres is known to do, so two equally broken runs cannot agree.
    const anchors = plain.outcomes as Record<string, { result: Outcome }>;
    assert.deepEqual((anchors['query results'].result.ok as { rows: unknown }).rows, [{ n: 42, label: 'x' }]);
    assert.equal((anchors['SQL error through pool.query'].result.error as Outcome).code, '22012');
    assert.equal((anchors['connection refused'].result.error as Outcome).code, 'ECONNREFUSED');
    assert.equal(((anchors['waiting past connectionTimeoutMillis'].result.ok as Outcome).waited as { error: Outcome }).error.message, 'timeout exceeded when trying to connect');
    assert.equal((anchors['connecting past connectionTimeoutMillis'].result.error as Outcome).message, 'Connection terminated due to connection timeout');
    for (const name of Object.keys(plain.outcomes)) assert.deepEqual(instrumented.outcomes[name], plain.outcomes[name], name);
    assert.deepEqual(Object.keys(instrumented.outcomes), Object.keys(plain.outcomes));
  });
});

/** A promise class of the app's own (pg-pool's `Promise` option): it must still be the one the app gets. */
class CountingPromise<T> extends Promise<T> {
  static made = 0;
  constructor(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void) {
    super(executor);
    CountingPromise.made++;
  }
}
