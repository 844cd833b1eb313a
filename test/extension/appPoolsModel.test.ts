import * as assert from 'node:assert/strict';
import { CommandId } from '../../src/extension/constants';
import { PoolsTreeModel, type PoolsNode, type Thresholds } from '../../src/extension/poolsTreeModel';
import type { AppPoolSnapshot, CheckoutRecord } from '../../src/runtime/protocol';
import type { CompanionReading } from '../../src/workspace/companions';
import { counts, okServer, pool, session, snapshotOf } from './snapshots';

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };
const WARN_MS = 10_000;

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

function checkout(partial: Partial<CheckoutRecord> & Pick<CheckoutRecord, 'id' | 'ageMs'>): CheckoutRecord {
  return { acquiredAt: '2026-11-22T11:59:00.000Z', stack: [`at handler (/srv/shop/src/routes/orders.ts:17:32)`], file: '/srv/shop/src/routes/orders.ts', line: 17, column: 32, ...partial };
}

function appPool(partial: Partial<AppPoolSnapshot> & Pick<AppPoolSnapshot, 'name'>): AppPoolSnapshot {
  return { max: 10, totalCount: 3, idleCount: 1, waitingCount: 0, checkedOut: 2, peakCheckedOut: 4, peakWaiting: 0, checkoutsTotal: 120, checkouts: [], ...partial };
}

function companion(pid: number, pools: AppPoolSnapshot[]): CompanionReading {
  return {
    ok: true,
    file: `/srv/shop/.pool-lens/companion-${pid}.json`,
    endpoint: { version: 1, pid, host: '127.0.0.1', port: 40_000, token: 'ab'.repeat(32), startedAt: '2026-11-22T11:00:00.000Z', cwd: '/srv/shop' },
    snapshot: { version: 1, pid, takenAt: '2026-11-22T12:00:00.000Z', pools },
  };
}

/** A server with the `market` domain (application_name market-api) and an unconfigured `reports` pool. */
function server() {
  return okServer(
    [
      pool({ domain: 'market', database: 'market', applicationName: 'market-api', counts: counts({ active: 1, idle: 2 }) }),
      pool({ database: 'analytics', applicationName: 'reports', counts: counts({ idle: 1 }) }),
    ],
    { domains: ['market'] },
  );
}

function model(companions: CompanionReading[] | undefined) {
  return new PoolsTreeModel({ snapshot: snapshotOf(server()), problems: [], thresholds, ...(companions ? { companions } : {}), checkoutWarnMs: WARN_MS });
}

function poolNodes(m: PoolsTreeModel): Array<Of<'pool'>> {
  return m.serverChildren('127.0.0.1:5432').filter((node): node is Of<'pool'> => node.kind === 'pool');
}

function appsOf(m: PoolsTreeModel, node: Of<'pool'>): Array<Of<'app'>> {
  return m.poolChildren(node).filter((child): child is Of<'app'> => child.kind === 'app');
}

describe('Pools tree: the app layer from runtime companions', () => {
  it('changes nothing when no companion runs', () => {
    const without = model(undefined);
    const withNone = model([]);
    for (const m of [without, withNone]) {
      assert.deepEqual(poolNodes(m).flatMap((node) => m.poolChildren(node).map((child) => child.kind)), ['bucket', 'bucket', 'bucket']);
      assert.deepEqual(m.roots().map((root) => root.kind), ['server']);
    }
  });

  it('puts an app node first under the pool matched by name, with the app counters and peak', () => {
    const m = model([companion(4100, [appPool({ name: 'market', waitingCount: 0 })])]);
    const [market, reports] = poolNodes(m);
    const [app] = appsOf(m, market);
    assert.equal(m.poolChildren(market)[0].id, app.id);
    assert.equal(appsOf(m, reports).length, 0);
    const view = m.view(app);
    assert.equal(view.label, 'app · process 4100');
    assert.equal(view.description, '2 checked out · 1 idle · 0 waiting · peak 4');
    assert.equal(view.collapsible, 'none', 'no checkout is held long, so there is nothing under it');
    assert.deepEqual(view.icon, { id: 'server-process' });
    assert.match(view.tooltip, /120 checkouts since the app started/);
  });

  it('matches an app pool by database and application_name when its name is not a domain', () => {
    const m = model([companion(4100, [appPool({ name: 'pool-1', database: 'analytics', applicationName: 'reports' }), appPool({ name: 'pool-2', database: 'analytics', applicationName: 'other' })])]);
    const [market, reports] = poolNodes(m);
    assert.equal(appsOf(m, market).length, 0);
    assert.deepEqual(appsOf(m, reports).map((app) => app.match.pool.name), ['pool-1']);
  });

  it('lists each checkout held longer than checkoutWarnMs, longest first, with its age and acquisition line', () => {
    const pools = [
      appPool({
        name: 'market',
        checkouts: [
          checkout({ id: 3, ageMs: 9_000 }),
          checkout({ id: 1, ageMs: 12_000, backendPid: 501 }),
          checkout({ id: 2, ageMs: 95_000, file: '/srv/shop/src/jobs/sync.ts', line: 40, column: 5 }),
        ],
      }),
    ];
    const m = model([companion(4100, pools)]);
    const [app] = appsOf(m, poolNodes(m)[0]);
    assert.equal(m.view(app).collapsible, 'expanded');
    assert.deepEqual(m.view(app).icon, { id: 'warning', color: 'list.warningForeground' });
    const checkouts = m.appChildren(app);
    const views = checkouts.map((node) => m.view(node));
    assert.deepEqual(
      views.map((view) => [view.label, view.description]),
      [
        ['src/jobs/sync.ts:40', 'held 1 min'],
        ['src/routes/orders.ts:17', 'held 12 s · pid 501'],
      ],
    );
    assert.deepEqual(views[1].command, { id: CommandId.openCheckout, title: 'Open Acquisition Line', arguments: ['/srv/shop/src/routes/orders.ts', 17, 32] });
    assert.match(views[1].tooltip, /at handler \(\/srv\/shop\/src\/routes\/orders\.ts:17:32\)/);
  });

  it('resolves a relative acquisition file against the app\'s working directory and shows a file outside it in full', () => {
    const m = model([companion(4100, [appPool({ name: 'market', checkouts: [checkout({ id: 1, ageMs: 20_000, file: 'lib/db.js', line: 3 }), checkout({ id: 2, ageMs: 15_000, file: '/opt/worker/run.js', line: 8 })] })])]);
    const [app] = appsOf(m, poolNodes(m)[0]);
    const views = m.appChildren(app).map((node) => m.view(node));
    assert.deepEqual(views.map((view) => [view.label, view.command?.arguments[0]]), [
      ['lib/db.js:3', '/srv/shop/lib/db.js'],
      ['/opt/worker/run.js:8', '/opt/worker/run.js'],
    ]);
  });

  it('gives a checkout without a frame outside pg no command', () => {
    const m = model([companion(4100, [appPool({ name: 'market', checkouts: [{ id: 9, acquiredAt: '2026-11-22T11:59:00.000Z', ageMs: 30_000, stack: [] }] })])]);
    const [app] = appsOf(m, poolNodes(m)[0]);
    const [node] = m.appChildren(app);
    assert.equal(m.view(node).label, 'checkout #9');
    assert.equal(m.view(node).command, undefined);
  });

  it('flags a checkout whose backend the server sees idle as a forgotten release(), idle in transaction as a forgotten COMMIT/ROLLBACK', () => {
    const held = [
      checkout({ id: 1, ageMs: 60_000, backendPid: 501 }),
      checkout({ id: 2, ageMs: 50_000, backendPid: 502 }),
      checkout({ id: 3, ageMs: 40_000, backendPid: 503 }),
      checkout({ id: 4, ageMs: 30_000, backendPid: 504 }),
      checkout({ id: 5, ageMs: 20_000, backendPid: 999 }),
    ];
    const rows = [
      session({ pid: 501, state: 'idle', stateMs: 59_000 }),
      session({ pid: 502, state: 'idle in transaction', stateMs: 48_000, transactionMs: 49_000 }),
      session({ pid: 503, state: 'active', stateMs: 39_000 }),
      session({ pid: 504, state: 'idle', stateMs: 2_000 }),
    ];
    const m = model([companion(4100, [appPool({ name: 'market', checkouts: held })])]);
    const [app] = appsOf(m, poolNodes(m)[0]);
    const flagged = m.appChildren(app, rows).map((node) => (node as Of<'checkout'>).flag?.kind);
    assert.deepEqual(flagged, ['release', 'commit', undefined, undefined, undefined]);
    const [release, commit] = m.appChildren(app, rows).map((node) => m.view(node));
    assert.equal(release.description, 'held 1 min · pid 501 · release() missing?');
    assert.match(release.tooltip, /server has seen it idle for 59 s: a forgotten release\(\)/);
    assert.equal(commit.description, 'held 50 s · pid 502 · COMMIT/ROLLBACK missing?');
    assert.deepEqual(commit.icon, { id: 'warning', color: 'list.errorForeground' });
    assert.deepEqual(m.appChildren(app).map((node) => (node as Of<'checkout'>).flag), [undefined, undefined, undefined, undefined, undefined], 'without the sessions nothing is flagged');
  });

  it('follows checkoutWarnMs and says when callers wait for a client', () => {
    const pools = [appPool({ name: 'market', waitingCount: 3, checkouts: [checkout({ id: 1, ageMs: 5_000 })] })];
    const strict = new PoolsTreeModel({ snapshot: snapshotOf(server()), problems: [], thresholds, companions: [companion(4100, pools)], checkoutWarnMs: 1_000 });
    const [app] = appsOf(strict, poolNodes(strict)[0]);
    assert.equal(strict.appChildren(app).length, 1);
    assert.match(strict.view(app).tooltip, /3 callers waiting for a client: the pool's max 10 is reached/);
    const lenient = model([companion(4100, pools)]);
    assert.equal(lenient.appChildren(appsOf(lenient, poolNodes(lenient)[0])[0]).length, 0);
  });

  it('says which app pool with open clients matches no pool in the view, and how to name it', () => {
    const m = model([
      companion(4100, [
        appPool({ name: 'pool-1', database: 'analytics', applicationName: 'nightly' }),
        appPool({ name: 'market' }),
        appPool({ name: 'pool-2', totalCount: 0, idleCount: 0, checkedOut: 0 }),
      ]),
    ]);
    const messages = m.roots().filter((root): root is Of<'message'> => root.kind === 'message');
    assert.deepEqual(
      messages.map((node) => [node.text, node.tone]),
      [["Pool 'pool-1' of process 4100 matches no pool here: name it after a domain (instrument(pool, { name })) or give it the database and application_name of one.", 'info']],
    );
  });

  it('shows one app node per process and a companion that cannot be read as one sentence at the top', () => {
    const broken: CompanionReading = { ok: false, file: '/srv/shop/.pool-lens/companion-4300.json', pid: 4300, problem: 'The companion of process 4300 (port 40100) is not answering (ECONNREFUSED).' };
    const m = model([companion(4100, [appPool({ name: 'market' })]), companion(4200, [appPool({ name: 'market' })]), broken]);
    assert.deepEqual(appsOf(m, poolNodes(m)[0]).map((app) => m.view(app).label), ['app · process 4100', 'app · process 4200']);
    const [message] = m.roots();
    assert.equal(message.kind, 'message');
    assert.equal(m.view(message).label, broken.problem);
  });
});
