import assert from 'node:assert/strict';
import type pg from 'pg';
import { Monitor } from '../../src/pg/monitor';
import type { PoolActivity, ServerSnapshot } from '../../src/pg/model';
import { appPool, checkout, createDomainDatabases, domainEnv, domainsFor, monitorConnectionCount, ROLES, sleep } from './fixtures';
import { eventually, startServer, type TestServer } from './server';

const POOLS_SETTING = [
  { name: 'blog', envPrefix: 'BLOG_DB_' },
  { name: 'market', envPrefix: 'MARKET_DB_' },
];

function poolOf(server: ServerSnapshot, database: string, applicationName: string): PoolActivity {
  const found = server.databases.find((d) => d.name === database)?.pools.find((p) => p.applicationName === applicationName);
  assert.ok(found, `no pool ${applicationName} in ${database}: ${JSON.stringify(server.databases)}`);
  return found;
}

describe('Monitor against a real server', function () {
  this.timeout(60_000);
  let server: TestServer;
  let blogPool: pg.Pool;
  let marketPool: pg.Pool;
  let monitor: Monitor;
  let key: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  // The scene: blog has a leaked checkout (idle) and a session idle in transaction; market has a lock
  // holder (idle in transaction) and a session waiting on that lock, plus idle pooled clients.
  let leakPid: number;
  let blogTxPid: number;
  let lockHolderPid: number;
  let lockWaiterPid: number;
  let leaked: pg.PoolClient;

  before(async () => {
    server = await startServer({ maxConnections: 60 });
    await createDomainDatabases(server);
    const market = await server.connect('market', { user: ROLES.market.user, password: ROLES.market.password });
    await market.query('CREATE TABLE orders (id int)');
    await market.end();

    blogPool = appPool(server, 'blog', 'blog-api');
    marketPool = appPool(server, 'market', 'market-api');

    ({ client: leaked, pid: leakPid } = await checkout(blogPool));
    const blogTx = await checkout(blogPool);
    blogTxPid = blogTx.pid;
    await blogTx.client.query('BEGIN');
    await blogTx.client.query('SELECT 1');
    cleanups.push(() => blogTx.client.query('ROLLBACK').finally(() => blogTx.client.release()));

    const holder = await checkout(marketPool);
    lockHolderPid = holder.pid;
    await holder.client.query('BEGIN');
    await holder.client.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
    const waiter = await checkout(marketPool);
    lockWaiterPid = waiter.pid;
    const waiting = waiter.client.query('SELECT count(*) FROM orders').catch(() => undefined);
    // Two more pooled clients that are used and released: they stay idle in the pool.
    await Promise.all([marketPool.query('SELECT pg_sleep(0.05)'), marketPool.query('SELECT pg_sleep(0.05)')]);
    cleanups.push(async () => {
      await holder.client.query('ROLLBACK');
      await waiting;
      holder.client.release();
      waiter.client.release();
    });

    const { configs, passwords } = domainsFor(POOLS_SETTING, domainEnv(server));
    monitor = new Monitor(configs, passwords, { staleIdleMs: 200 });
    key = `127.0.0.1:${server.port}`;
    await eventually('the lock wait to show', async () => {
      const rows = await server.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [lockWaiterPid]);
      return rows.length > 0 ? true : undefined;
    });
    // Let the idle-in-transaction and leaked sessions age past the monitor's stale-idle threshold.
    await sleep(300);
  });

  after(async () => {
    await monitor?.dispose();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    leaked?.release();
    await blogPool?.end();
    await marketPool?.end();
    await server?.stop();
  });

  it('puts both domain databases under one server with its capacity', async () => {
    const snapshot = await monitor.snapshot();
    assert.equal(snapshot.servers.length, 1);
    const [only] = snapshot.servers;
    assert.equal(only.status, 'ok', only.error);
    assert.equal(only.key, key);
    assert.deepEqual(only.domains, ['blog', 'market']);
    assert.match(only.version ?? '', /^\d+/);
    assert.equal(only.capacity?.maxConnections, 60);
    assert.equal(only.capacity?.superuserReserved, 3);
    assert.equal(only.capacity?.usable, 60 - 3 - (only.capacity?.reserved ?? 0));
    // 2 blog + 4 market sessions, plus the monitor itself, which occupies a slot too.
    assert.equal(only.capacity?.used, 7);
    assert.deepEqual(
      only.databases.filter((d) => d.domains.length > 0).map((d) => [d.name, d.domains]),
      [['blog', ['blog']], ['market', ['market']]],
    );
  });

  it('counts a leaked checkout and a session idle in transaction, with its age and pid', async () => {
    const [only] = (await monitor.snapshot()).servers;
    const blog = poolOf(only, 'blog', 'blog-api');
    assert.equal(blog.domain, 'blog');
    assert.equal(blog.user, ROLES.blog.user);
    assert.deepEqual(blog.counts, { total: 2, active: 0, idle: 1, idleInTransaction: 1, idleInTransactionAborted: 0, waitingOnLock: 0, hidden: 0, idleStale: 1 });
    assert.equal(blog.oldestIdleInTransactionPid, blogTxPid);
    assert.ok((blog.oldestIdleInTransactionMs ?? 0) >= 300, `transaction age ${blog.oldestIdleInTransactionMs}`);
    assert.ok((blog.longestIdleMs ?? 0) >= 300, `idle for ${blog.longestIdleMs}`);
    const leakedRow = (await monitor.sessions(key, 'blog', 'blog-api')).find((s) => s.pid === leakPid);
    assert.equal(leakedRow?.state, 'idle');
  });

  it('shows a lock wait, and blocked_by names the blocker', async () => {
    const [only] = (await monitor.snapshot()).servers;
    const market = poolOf(only, 'market', 'market-api');
    assert.equal(market.domain, 'market');
    assert.deepEqual(market.counts, { total: 4, active: 1, idle: 2, idleInTransaction: 1, idleInTransactionAborted: 0, waitingOnLock: 1, hidden: 0, idleStale: 2 });
    assert.equal(market.longestQueryPid, lockWaiterPid);
    assert.equal(market.oldestIdleInTransactionPid, lockHolderPid);

    const sessions = await monitor.sessions(key, 'market', 'market-api');
    assert.equal(sessions.length, 4);
    const waiter = sessions.find((s) => s.pid === lockWaiterPid);
    assert.deepEqual(waiter?.blockedBy, [lockHolderPid]);
    assert.equal(waiter?.waitEventType, 'Lock');
    assert.match(waiter?.query ?? '', /SELECT count\(\*\) FROM orders/);
    assert.deepEqual(sessions.find((s) => s.pid === lockHolderPid)?.blockedBy, []);
  });

  it('never counts its own connection', async () => {
    const [only] = (await monitor.snapshot()).servers;
    const apps = only.databases.flatMap((d) => d.pools.map((p) => p.applicationName));
    assert.ok(!apps.includes('pool-lens-monitor'), apps.join(', '));
    assert.equal(await monitorConnectionCount(server), 1);
  });

  it('counts sessions it may not inspect as hidden, and sees them with pg_read_all_stats', async () => {
    const env = {
      ...domainEnv(server),
      OPS_DB_HOST: server.host,
      OPS_DB_PORT: String(server.port),
      OPS_DB_NAME: 'blog',
      OPS_DB_SSLMODE: 'disable',
    };
    const plain = domainsFor([{ name: 'ops', envPrefix: 'OPS_DB_' }], { ...env, OPS_DB_USER: ROLES.plainMonitor.user, OPS_DB_PASSWORD: ROLES.plainMonitor.password });
    const stats = domainsFor([{ name: 'ops', envPrefix: 'OPS_DB_' }], { ...env, OPS_DB_USER: ROLES.statsMonitor.user, OPS_DB_PASSWORD: ROLES.statsMonitor.password });
    const unprivileged = new Monitor(plain.configs, plain.passwords);
    const privileged = new Monitor(stats.configs, stats.passwords);
    try {
      const [low] = (await unprivileged.snapshot()).servers;
      assert.equal(low.status, 'ok', low.error);
      assert.equal(low.canReadAllStats, false);
      const hiddenBlog = poolOf(low, 'blog', 'blog-api');
      assert.equal(hiddenBlog.counts.total, 2);
      assert.equal(hiddenBlog.counts.hidden, 2);
      assert.equal(hiddenBlog.counts.idle + hiddenBlog.counts.idleInTransaction, 0);
      assert.equal(poolOf(low, 'market', 'market-api').counts.hidden, 4);
      const hiddenRows = await unprivileged.sessions(low.key, 'blog', 'blog-api');
      assert.deepEqual(hiddenRows.map((r) => [r.state, r.query]), [[null, null], [null, null]]);

      const [high] = (await privileged.snapshot()).servers;
      assert.equal(high.canReadAllStats, true);
      const seenBlog = poolOf(high, 'blog', 'blog-api');
      assert.equal(seenBlog.counts.hidden, 0);
      assert.equal(seenBlog.counts.idle, 1);
      assert.equal(seenBlog.counts.idleInTransaction, 1);
    } finally {
      await unprivileged.dispose();
      await privileged.dispose();
    }
  });

  it('keeps exactly one connection through 1,000 refreshes', async () => {
    for (let i = 0; i < 1000; i++) {
      const snapshot = await monitor.snapshot();
      assert.equal(snapshot.servers[0].status, 'ok');
    }
    assert.equal(await monitorConnectionCount(server), 1);
  });

  it('answers overlapping refreshes with one query on the same connection', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, () => monitor.snapshot()));
    assert.ok(burst.every((s) => s === burst[0]), 'every caller got the one shared snapshot');
    assert.equal(await monitorConnectionCount(server), 1);
  });

  it('cancels a running query and terminates a session', async () => {
    const sleeper = await checkout(blogPool);
    const running = sleeper.client.query('SELECT pg_sleep(60)').then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await eventually('the sleeper to be active', async () => {
      const rows = await monitor.sessions(key, 'blog', 'blog-api');
      return rows.some((r) => r.pid === sleeper.pid && r.state === 'active') ? true : undefined;
    });
    assert.equal(await monitor.cancel(key, sleeper.pid), true);
    assert.equal(await running, '57014', 'the query was cancelled');
    sleeper.client.release();

    assert.equal(await monitor.terminate(key, leakPid), true);
    await eventually('the leaked session to end', async () => {
      const rows = await monitor.sessions(key, 'blog', 'blog-api');
      return rows.some((r) => r.pid === leakPid) ? undefined : true;
    });
    // A pid that no longer exists is reported, not thrown.
    assert.equal(await monitor.terminate(key, leakPid), false);
  });

  it('closes its connection on dispose', async () => {
    const { configs, passwords } = domainsFor(POOLS_SETTING, domainEnv(server));
    const extra = new Monitor(configs, passwords);
    await extra.snapshot();
    assert.equal(await monitorConnectionCount(server), 2);
    await extra.dispose();
    await eventually('the extra monitor connection to close', async () => ((await monitorConnectionCount(server)) === 1 ? true : undefined));
    await assert.rejects(extra.snapshot(), /closed/);
  });
});
