import assert from 'node:assert/strict';
import { PoolsTreeModel, SESSION_PAGE_SIZE, type PoolsNode } from '../../src/extension/poolsTreeModel';
import type { ServerSnapshot } from '../../src/pg/model';
import { Monitor } from '../../src/pg/monitor';
import { BIG_GROUP, Crowd, expectedGroups } from './crowd';
import { monitorConnectionCount } from './fixtures';
import { eventually } from './server';

/** `POOL_LENS_LOAD_SESSIONS` lowers the crowd on a machine that cannot hold 1,000 sessions. */
const SESSIONS = Number(process.env.POOL_LENS_LOAD_SESSIONS ?? 1000);
const THRESHOLDS = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };

/**
 * A real server with 1,000 application sessions in three domain databases: a refresh is still one
 * statement (counted by the server, in pg_stat_statements), the snapshot groups every session where it
 * belongs, and the biggest group's sessions are one more statement, shown 100 at a time.
 */
describe(`Load: ${SESSIONS} client sessions on one server`, function () {
  this.timeout(300_000);
  let crowd: Crowd;
  let monitor: Monitor;

  before(async () => {
    crowd = await Crowd.start(SESSIONS);
    const grown = await crowd.grow(SESSIONS);
    assert.equal(grown.open, SESSIONS, `only ${grown.open} sessions could be opened: ${grown.refusal}`);
    const { configs, passwords } = crowd.domains();
    monitor = new Monitor(configs, passwords);
  });
  after(async () => {
    await monitor?.dispose();
    await crowd?.stop();
  });

  /** Refreshes until every session of the crowd has reached the state it was sent into. */
  function settledSnapshot(): Promise<ServerSnapshot> {
    const expected = expectedGroups(SESSIONS);
    return eventually(
      'the sessions to settle into their states',
      async () => {
        const [server] = (await monitor.snapshot()).servers;
        assert.equal(server.status, 'ok', server.error);
        const pools = server.databases.flatMap((d) => d.pools).filter((p) => p.applicationName.startsWith('crowd-'));
        const active = pools.reduce((sum, p) => sum + p.counts.active, 0);
        const wanted = [...expected.values()].reduce((sum, g) => sum + g.active, 0);
        return active === wanted ? server : undefined;
      },
      200,
      100,
    );
  }

  it('one refresh is one statement on the server, cold or warm, and overlapping refreshes share it', async () => {
    await crowd.resetStatements();
    const [cold] = (await monitor.snapshot()).servers;
    assert.equal(cold.status, 'ok', cold.error);
    assert.deepEqual(await crowd.statementsFromOthers(), [{ what: 'refresh', calls: 1 }], 'connecting and the first refresh');

    await crowd.resetStatements();
    await monitor.snapshot();
    assert.deepEqual(await crowd.statementsFromOthers(), [{ what: 'refresh', calls: 1 }], 'a warm refresh');

    await crowd.resetStatements();
    await Promise.all(Array.from({ length: 5 }, () => monitor.snapshot()));
    assert.deepEqual(await crowd.statementsFromOthers(), [{ what: 'refresh', calls: 1 }], 'five overlapping refreshes');
    assert.equal(await monitorConnectionCount(crowd.server), 1);
  });

  it('groups every session by database and application name, with the right state counts and domains', async () => {
    const server = await settledSnapshot();
    const expected = expectedGroups(SESSIONS);
    const seen = new Map<string, { total: number; active: number; idle: number; idleInTransaction: number }>();
    for (const database of server.databases) {
      for (const pool of database.pools) {
        if (!pool.applicationName.startsWith('crowd-')) continue;
        assert.equal(pool.domain, pool.database, `${pool.database}/${pool.applicationName} is attributed to its domain`);
        const { total, active, idle, idleInTransaction } = pool.counts;
        seen.set(`${pool.database}/${pool.applicationName}`, { total, active, idle, idleInTransaction });
      }
    }
    assert.deepEqual(Object.fromEntries([...seen].sort()), Object.fromEntries([...expected].sort()));
    assert.ok(server.capacity!.used >= SESSIONS + 1, `used ${server.capacity!.used} counts the crowd and the monitor`);
    assert.deepEqual(
      server.databases.map((d) => [d.name, d.domains]).filter(([, domains]) => domains.length > 0),
      [
        ['blog', ['blog']],
        ['market', ['market']],
        ['reports', ['reports']],
      ],
    );
  });

  it("the tree gets groups from the refresh; a big group's sessions are one more statement, shown 100 at a time", async () => {
    const server = await settledSnapshot();
    const model = new PoolsTreeModel({ snapshot: { takenAt: Date.now(), servers: [server] }, problems: [], thresholds: THRESHOLDS });
    const pools = model.serverChildren(server.key).filter((node): node is Extract<PoolsNode, { kind: 'pool' }> => node.kind === 'pool');
    // Groups, not sessions: the refresh never carries one node per session.
    assert.ok(pools.length < 30, `${pools.length} pool nodes for ${SESSIONS} sessions`);
    const big = pools.find((node) => node.activity?.applicationName === BIG_GROUP);
    assert.ok(big?.activity, 'the big group is a pool node');

    await crowd.resetStatements();
    const rows = await monitor.sessions(server.key, 'blog', BIG_GROUP);
    assert.deepEqual(await crowd.statementsFromOthers(), [{ what: 'session list', calls: 1 }]);
    assert.equal(rows.length, expectedGroups(SESSIONS).get(`blog/${BIG_GROUP}`)!.total);
    assert.equal(rows.length, big.activity.counts.total);

    let listed = 0;
    for (const bucket of model.poolChildren(big)) {
      if (bucket.kind !== 'bucket') continue;
      for (let pages = 1; ; pages++) {
        const children = model.bucketChildren(bucket, rows, pages);
        const sessions = children.filter((child) => child.kind === 'session');
        const more = children.find((child) => child.kind === 'more');
        assert.equal(sessions.length, Math.min(bucket.count, pages * SESSION_PAGE_SIZE), `${bucket.bucket}, ${pages} page(s)`);
        if (!more) {
          listed += sessions.length;
          break;
        }
        assert.deepEqual([more.shown, more.total], [pages * SESSION_PAGE_SIZE, bucket.count]);
      }
    }
    assert.equal(listed, rows.length, 'paging through every bucket lists every session once');
    const idle = model.poolChildren(big).find((node) => node.kind === 'bucket' && node.bucket === 'idle');
    assert.ok(idle && idle.kind === 'bucket' && idle.count > 2 * SESSION_PAGE_SIZE, 'the idle bucket spans several pages');
  });
});
