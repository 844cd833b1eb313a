import * as assert from 'node:assert/strict';
import { PoolsTreeModel, SESSION_PAGE_SIZE, type PoolsNode, type Thresholds } from '../../src/extension/poolsTreeModel';
import type { Snapshot } from '../../src/pg/model';
import { counts, okServer, pool, session, snapshotOf } from './snapshots';

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };
const WARNING = 'list.warningForeground';

function model(snapshot: Snapshot | undefined, problems: string[] = []): PoolsTreeModel {
  return new PoolsTreeModel({ snapshot, problems, thresholds });
}

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

function only<K extends PoolsNode['kind']>(nodes: PoolsNode[], kind: K): Array<Of<K>> {
  return nodes.filter((node): node is Of<K> => node.kind === kind);
}

/** Two domain databases on one server, as the demo workspace has them. */
function twoDomains(overrides: { blog?: Partial<Parameters<typeof pool>[0]>; market?: Partial<Parameters<typeof pool>[0]> } = {}) {
  const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ active: 1, idle: 2 }), ...overrides.blog });
  const market = pool({ domain: 'market', database: 'market', applicationName: 'market-api', counts: counts({ idle: 1, idleInTransaction: 1 }), ...overrides.market });
  return okServer([market, blog], { domains: ['blog', 'market'] });
}

describe('Pools tree model', () => {
  it('shows one server per host:port with "used / usable" and its domain pools in settings order', () => {
    const m = model(snapshotOf(twoDomains()));
    const [server] = m.roots();
    assert.equal(server.kind, 'server');
    const view = m.view(server);
    assert.equal(view.label, '127.0.0.1:5432');
    assert.equal(view.description, '6 / 97');
    assert.equal(view.collapsible, 'expanded');

    const pools = only(m.serverChildren('127.0.0.1:5432'), 'pool');
    assert.deepEqual(pools.map((p) => p.domain), ['blog', 'market']);
    const blog = m.view(pools[0]);
    assert.equal(blog.label, 'blog');
    assert.equal(blog.description, 'blog-api · 3 sessions · 3% of usable');
    assert.match(blog.tooltip, /active 1 · idle 2 · idle in transaction 0/);
  });

  it('lists sessions nobody configured after the domains, busiest first, named by database', () => {
    const server = twoDomains();
    server.databases.push({
      name: 'postgres',
      domains: [],
      pools: [pool({ database: 'postgres', applicationName: 'psql', counts: counts({ idle: 1 }) }), pool({ database: 'postgres', applicationName: '', counts: counts({ idle: 4 }) })],
    });
    const m = model(snapshotOf(server));
    const pools = only(m.serverChildren(server.key), 'pool');
    assert.deepEqual(
      pools.map((p) => m.view(p).label),
      ['blog', 'market', 'postgres', 'postgres'],
    );
    assert.equal(m.view(pools[2]).description, 'postgres · (no application_name) · 4 sessions · 4% of usable');
    assert.match(m.view(pools[2]).tooltip, /not a configured pool/);
  });

  it('shows a configured domain without sessions as "no sessions", with nothing to expand', () => {
    const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 1 }) });
    const server = okServer([blog], { domains: ['blog', 'cache'] });
    const m = model(snapshotOf(server));
    const cache = only(m.serverChildren(server.key), 'pool').find((p) => p.domain === 'cache')!;
    const view = m.view(cache);
    assert.equal(view.description, 'cache · no sessions');
    assert.equal(view.collapsible, 'none');
    assert.deepEqual(m.poolChildren(cache), []);
  });

  it('gives each pool state buckets with counts, leaving out empty states', () => {
    const m = model(snapshotOf(twoDomains()));
    const market = only(m.serverChildren('127.0.0.1:5432'), 'pool')[1];
    const buckets = only(m.poolChildren(market), 'bucket');
    assert.deepEqual(
      buckets.map((b) => [m.view(b).label, m.view(b).description]),
      [
        ['idle', '1'],
        ['idle in transaction', '1'],
      ],
    );
  });

  it('calls out a session idle in transaction past poolLens.idleInTransactionWarnMs, and not before', () => {
    const young = model(snapshotOf(twoDomains({ market: { oldestIdleInTransactionMs: 59_000, oldestIdleInTransactionPid: 77 } })));
    const old = model(snapshotOf(twoDomains({ market: { oldestIdleInTransactionMs: 61_000, oldestIdleInTransactionPid: 77 } })));
    const marketOf = (m: PoolsTreeModel) => only(m.serverChildren('127.0.0.1:5432'), 'pool')[1];

    assert.deepEqual(young.view(marketOf(young)).icon, { id: 'database' });
    assert.deepEqual(young.poolAlerts(marketOf(young).activity!), []);

    const flagged = old.view(marketOf(old));
    assert.deepEqual(flagged.icon, { id: 'warning', color: WARNING });
    assert.match(flagged.tooltip, /Idle in transaction for 1 min 1 s \(pid 77\)/, "the hover has the exact age");
    const iit = only(old.poolChildren(marketOf(old)), 'bucket').find((b) => b.bucket === 'idleInTransaction')!;
    assert.equal(old.view(iit).icon.color, WARNING);
    assert.deepEqual(old.view(old.roots()[0]).icon, { id: 'server', color: WARNING }, 'the server shows that one of its pools has a problem');
  });

  it('calls out idle checkouts the pool should have closed, and long-running queries', () => {
    const m = model(
      snapshotOf(
        twoDomains({
          blog: { counts: counts({ active: 1, idle: 2, idleStale: 1 }), longestIdleMs: 40_000, longestQueryMs: 45_000, longestQueryPid: 12 },
        }),
      ),
    );
    const blog = only(m.serverChildren('127.0.0.1:5432'), 'pool')[0];
    const alerts = m.poolAlerts(blog.activity!);
    assert.equal(alerts.length, 2);
    assert.match(alerts[0], /running for 45 s \(pid 12\)/);
    assert.match(alerts[1], /1 session idle for more than 15 s, the longest for 40 s: .*never released/);
    const buckets = only(m.poolChildren(blog), 'bucket');
    assert.deepEqual(
      buckets.map((b) => [b.bucket, m.view(b).icon.color]),
      [
        ['active', WARNING],
        ['idle', WARNING],
      ],
    );
  });

  it('counts sessions the monitor may not read as "hidden", with the GRANT that reveals them', () => {
    const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 1, hidden: 3 }) });
    const server = okServer([blog], { domains: ['blog'], canReadAllStats: false, monitorUser: 'Watcher' });
    const m = model(snapshotOf(server));
    const poolNode = only(m.serverChildren(server.key), 'pool')[0];
    const hidden = only(m.poolChildren(poolNode), 'bucket').find((b) => b.bucket === 'hidden')!;
    const view = m.view(hidden);
    assert.equal(view.label, 'hidden');
    assert.equal(view.description, '3');
    assert.match(view.tooltip, /GRANT pg_read_all_stats TO "Watcher";/);
    assert.match(m.view(m.roots()[0]).tooltip, /without pg_read_all_stats/);
  });

  it('turns an unreachable server into an error node with its one sentence, never a pop-up', () => {
    const sentence = 'Cannot connect to 10.0.0.9:5432 because the connection was refused: is PostgreSQL running and listening on that port?';
    const snapshot = snapshotOf({
      key: '10.0.0.9:5432',
      host: '10.0.0.9',
      port: 5432,
      domains: ['blog'],
      status: 'error',
      error: sentence,
      errorKind: 'refused',
      nextAttemptAt: Date.UTC(2026, 10, 22, 12, 0, 8),
      databases: [{ name: 'blog', domains: ['blog'], pools: [] }],
    });
    const m = model(snapshot);
    const [server] = m.roots();
    const view = m.view(server);
    assert.deepEqual(view.icon, { id: 'error', color: 'list.errorForeground' });
    assert.equal(view.description, 'unreachable · retrying in 8 s');
    const children = m.serverChildren('10.0.0.9:5432');
    assert.equal(children.length, 1);
    assert.equal(children[0].kind, 'message');
    assert.equal(m.view(children[0]).label, sentence);
    assert.equal(m.view(children[0]).contextValue, 'poolLens.message');
  });

  it('offers "Set Password" on the error node of a server that asks for a password', () => {
    const m = model(
      snapshotOf({
        key: 'db:5432',
        host: 'db',
        port: 5432,
        domains: ['blog'],
        status: 'error',
        error: "db:5432 asks for a password for user 'app' and none was found (looked in BLOG_DB_PASSWORD, PGPASSWORD, ~/.pgpass, the saved password).",
        errorKind: 'password-required',
        databases: [],
      }),
    );
    assert.equal(m.view(m.roots()[0]).description, 'password required');
    assert.equal(m.view(m.serverChildren('db:5432')[0]).contextValue, 'poolLens.message.password');
  });

  it('shows settings problems at the top, one sentence each', () => {
    const m = model(snapshotOf(twoDomains()), ["Pool 'cache': CACHE_DB_HOST is not set in the environment or .env."]);
    const [problem, server] = m.roots();
    assert.equal(problem.kind, 'message');
    assert.equal(m.view(problem).label, "Pool 'cache': CACHE_DB_HOST is not set in the environment or .env.");
    assert.equal(m.view(problem).icon.id, 'warning');
    assert.equal(server.kind, 'server');
  });

  it('says which servers it is connecting to until the first snapshot arrives', () => {
    const m = new PoolsTreeModel({ snapshot: undefined, problems: [], thresholds, connecting: ['db:5432', 'cache:6432'] });
    const [node] = m.roots();
    assert.equal(m.view(node).label, 'Connecting to db:5432, cache:6432…');
    assert.deepEqual(m.view(node).icon, { id: 'loading~spin' });
    m.update({ snapshot: snapshotOf(twoDomains()), problems: [], thresholds, connecting: ['db:5432'] });
    assert.deepEqual(m.roots().map((root) => root.kind), ['server']);
  });

  it('pages large groups of sessions, 100 at a time, with a "Show more" item', () => {
    const server = okServer([pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 250 }) })], { domains: ['blog'] });
    const m = model(snapshotOf(server));
    const idle = only(m.poolChildren(only(m.serverChildren(server.key), 'pool')[0]), 'bucket')[0];
    const rows = Array.from({ length: 250 }, (_, i) => session({ pid: 1000 + i }));
    const first = m.bucketChildren(idle, rows);
    assert.equal(only(first, 'session').length, SESSION_PAGE_SIZE);
    const more = only(first, 'more')[0];
    assert.equal(m.view(more).label, 'Show more');
    assert.equal(m.view(more).description, '100 of 250 shown');
    const all = m.bucketChildren(idle, rows, 3);
    assert.equal(only(all, 'session').length, 250);
    assert.equal(only(all, 'more').length, 0);
  });

  it('puts a session in the buckets of its state, and lock waiters also under "waiting on lock"', () => {
    const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ active: 2, idle: 1, waitingOnLock: 1 }) });
    const server = okServer([blog], { domains: ['blog'] });
    const m = model(snapshotOf(server));
    const buckets = only(m.poolChildren(only(m.serverChildren(server.key), 'pool')[0]), 'bucket');
    const rows = [
      session({ pid: 1, state: 'active', waitEventType: 'Lock', waitEvent: 'transactionid', blockedBy: [2] }),
      session({ pid: 2, state: 'active', waitEventType: null, waitEvent: null }),
      session({ pid: 3, state: 'idle' }),
    ];
    const pids = (bucket: string) => only(m.bucketChildren(buckets.find((b) => b.bucket === bucket)!, rows), 'session').map((s) => s.row.pid);
    assert.deepEqual(pids('active'), [1, 2]);
    assert.deepEqual(pids('idle'), [3]);
    assert.deepEqual(pids('waitingOnLock'), [1]);
    const waiter = only(m.bucketChildren(buckets.find((b) => b.bucket === 'waitingOnLock')!, rows), 'session')[0];
    assert.match(m.view(waiter).tooltip, /blocked by pid 2/);
  });

  it('describes a session with its pid, state, ages and query, and flags it past the threshold', () => {
    const server = okServer([pool({ domain: 'market', database: 'market', applicationName: 'market-api', counts: counts({ idleInTransaction: 1 }) })], { domains: ['market'] });
    const m = model(snapshotOf(server));
    const bucket = only(m.poolChildren(only(m.serverChildren(server.key), 'pool')[0]), 'bucket')[0];
    const query = "UPDATE orders SET paid = true WHERE note = '```'";
    const [node] = m.bucketChildren(bucket, [session({ pid: 4242, state: 'idle in transaction', transactionMs: 125_000, stateMs: 120_000, query })]);
    const view = m.view(node);
    assert.equal(view.label, 'pid 4242');
    assert.match(view.description!, /^idle in transaction · 2 min · UPDATE orders/);
    assert.deepEqual(view.icon, { id: 'warning', color: WARNING });
    assert.equal(view.contextValue, 'poolLens.session.withQuery');
    assert.match(view.tooltip, /transaction open for 2 min/);
    assert.ok(view.tooltip.includes(`\`\`\`\`sql\n${query}\n\`\`\`\``), 'the query sits in a fence longer than any backtick run inside it');
  });

  it('says a hidden session\'s query is hidden and offers no "Copy Query"', () => {
    const server = okServer([pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ hidden: 1 }) })], { domains: ['blog'] });
    const m = model(snapshotOf(server));
    const bucket = only(m.poolChildren(only(m.serverChildren(server.key), 'pool')[0]), 'bucket')[0];
    const [node] = m.bucketChildren(bucket, [session({ pid: 9, state: null, waitEventType: null, waitEvent: null, query: null, queryMs: null, stateMs: null, connectedMs: null })]);
    const view = m.view(node);
    assert.equal(view.contextValue, 'poolLens.session');
    assert.match(view.tooltip, /Query text hidden/);
    assert.deepEqual(view.icon, { id: 'eye-closed' });
  });

  it('gives every node a stable id that is unique across the tree', () => {
    const build = () => {
      const m = model(snapshotOf(twoDomains({ blog: { counts: counts({ active: 1, idle: 1, waitingOnLock: 1 }) } })));
      const ids: string[] = [];
      const rows = [session({ pid: 5, state: 'active', waitEventType: 'Lock' }), session({ pid: 6 })];
      for (const root of m.roots()) {
        ids.push(root.id);
        if (root.kind !== 'server') continue;
        for (const p of m.serverChildren(root.key)) {
          ids.push(p.id);
          if (p.kind !== 'pool') continue;
          for (const b of m.poolChildren(p)) {
            ids.push(b.id);
            if (b.kind === 'bucket') ids.push(...m.bucketChildren(b, rows).map((s) => s.id));
          }
        }
      }
      return ids;
    };
    const ids = build();
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
    assert.deepEqual(build(), ids, 'the same snapshot gives the same ids');
  });
});
