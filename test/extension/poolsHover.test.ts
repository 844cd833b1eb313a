import * as assert from 'node:assert/strict';
import { PoolsTreeModel, type PoolsNode, type Thresholds } from '../../src/extension/poolsTreeModel';
import type { AppPoolSnapshot, CheckoutRecord } from '../../src/runtime/protocol';
import type { CompanionReading } from '../../src/workspace/companions';
import type { SessionRow } from '../../src/pg/model';
import { counts, okServer, pool, session, snapshotOf } from './snapshots';

/**
 * What a hover over a Pools row shows (`PoolsTreeModel.tooltip`, which the view hands VS Code from
 * `resolveTreeItem`), against what the row itself draws (`item`): the row keeps ages to the minute so
 * an idle row changes once a minute, the hover has them to the second, from the node's latest data.
 */

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 3_600_000 };
const KEY = '127.0.0.1:5432';

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

function only<K extends PoolsNode['kind']>(nodes: PoolsNode[], kind: K): Array<Of<K>> {
  return nodes.filter((node): node is Of<K> => node.kind === kind);
}

/** The market pool: one session idle in transaction (the oldest `transactionMs` old), one idle. */
function market(transactionMs: number, companions?: CompanionReading[]) {
  const activity = pool({
    domain: 'market',
    database: 'market',
    applicationName: 'market-api',
    counts: counts({ idle: 1, idleInTransaction: 1 }),
    oldestIdleInTransactionMs: transactionMs,
    oldestIdleInTransactionPid: 77,
  });
  const m = new PoolsTreeModel({ snapshot: snapshotOf(okServer([activity], { domains: ['market'] })), problems: [], thresholds, checkoutWarnMs: 10_000, ...(companions ? { companions } : {}) });
  const poolNode = only(m.serverChildren(KEY), 'pool')[0];
  return { m, poolNode };
}

function sessionNode(m: PoolsTreeModel, poolNode: Of<'pool'>, row: SessionRow): Of<'session'> {
  const bucket = only(m.poolChildren(poolNode), 'bucket').find((b) => b.bucket === 'idle')!;
  return only(m.bucketChildren(bucket, [row]), 'session')[0];
}

describe('Pools view hover: exact ages on hover, rows to the minute', () => {
  it("a session's hover has every age to the second; its row has the state's age to the minute and no tooltip", () => {
    const { m, poolNode } = market(10_000);
    const node = sessionNode(m, poolNode, session({ pid: 4242, user: 'market_app', connectedMs: 630_000, queryMs: 125_400, stateMs: 125_400, query: 'SELECT * FROM orders' }));
    const item = m.item(node);
    assert.equal(item.description, 'idle · 2 min · SELECT * FROM orders');
    assert.ok(!('tooltip' in item), 'the row carries no tooltip: VS Code asks for it on hover');
    const hover = m.tooltip(node);
    assert.match(hover, /^\*\*pid 4242\*\* · idle · database 'market' · user 'market\\_app' · from 127\.0\.0\.1/);
    assert.match(hover, /connected 10 min 30 s ago · last query started 2 min 5 s ago · in this state for 2 min 5 s/);
    assert.ok(hover.includes('```sql\nSELECT * FROM orders\n```'), hover);
  });

  it('a refresh two seconds later leaves the row as it was drawn and gives the hover the new seconds', () => {
    const { m, poolNode } = market(10_000);
    const before = sessionNode(m, poolNode, session({ pid: 5, connectedMs: 600_000, queryMs: 70_000, stateMs: 70_000 }));
    const after = sessionNode(m, poolNode, session({ pid: 5, connectedMs: 602_000, queryMs: 72_000, stateMs: 72_000 }));
    assert.equal(m.rendering(after), m.rendering(before), 'the same row: VS Code need not rebuild it');
    assert.match(m.tooltip(before), /in this state for 1 min 10 s/);
    assert.match(m.tooltip(after), /connected 10 min 2 s ago .* in this state for 1 min 12 s/);
  });

  it("a flagged session's warning in the hover has the exact age", () => {
    const { m, poolNode } = market(10_000);
    const iit = only(m.poolChildren(poolNode), 'bucket').find((b) => b.bucket === 'idleInTransaction')!;
    const [node] = only(m.bucketChildren(iit, [session({ pid: 77, state: 'idle in transaction', transactionMs: 95_300, stateMs: 95_000 })]), 'session');
    assert.equal(m.item(node).description?.startsWith('idle in transaction · 1 min'), true, m.item(node).description);
    assert.match(m.tooltip(node), /\$\(warning\) Idle in transaction for 1 min 35 s: it holds its locks/);
  });

  it("a bucket's hover has its count and its warning to the second; the row only the count", () => {
    const { m, poolNode } = market(65_000);
    const iit = only(m.poolChildren(poolNode), 'bucket').find((b) => b.bucket === 'idleInTransaction')!;
    assert.deepEqual(m.item(iit), { label: 'idle in transaction', description: '1', icon: { id: 'watch', color: 'list.warningForeground' }, contextValue: 'poolLens.bucket.idleInTransaction', collapsible: 'collapsed' });
    assert.equal(m.tooltip(iit), '1 session idle in transaction.\n\n$(warning) The oldest has been idle in transaction for 1 min 5 s.');
    const later = market(67_000);
    const laterBucket = only(later.m.poolChildren(later.poolNode), 'bucket').find((b) => b.bucket === 'idleInTransaction')!;
    assert.equal(later.m.rendering(laterBucket), m.rendering(iit));
    assert.match(later.m.tooltip(laterBucket), /for 1 min 7 s\.$/);
  });

  it("a pool's hover has its counts by state and its oldest transaction to the second", () => {
    const { m, poolNode } = market(65_000);
    assert.equal(m.item(poolNode).description, 'market-api · 2 sessions · 2% of usable');
    const hover = m.tooltip(poolNode);
    assert.match(hover, /active 0 · idle 1 · idle in transaction 1 · waiting on lock 0/);
    assert.match(hover, /Oldest idle transaction: 1 min 5 s \(pid 77\)/);
  });

  it("a long checkout's hover has how long it is held to the second; its row to the minute", () => {
    const checkout: CheckoutRecord = { id: 9, ageMs: 83_000, acquiredAt: '2026-11-22T11:58:37.000Z', backendPid: 88, stack: ['at handler (/srv/shop/src/routes/orders.ts:17:32)'], file: '/srv/shop/src/routes/orders.ts', line: 17, column: 32 };
    const appPool: AppPoolSnapshot = { name: 'market', max: 10, totalCount: 3, idleCount: 1, waitingCount: 0, checkedOut: 2, peakCheckedOut: 4, peakWaiting: 0, checkoutsTotal: 120, checkouts: [checkout] };
    const companion: CompanionReading = {
      ok: true,
      file: '/srv/shop/.pool-lens/companion-4100.json',
      endpoint: { version: 1, pid: 4100, host: '127.0.0.1', port: 40_000, token: 'ab'.repeat(32), startedAt: '2026-11-22T11:00:00.000Z', cwd: '/srv/shop' },
      snapshot: { version: 1, pid: 4100, takenAt: '2026-11-22T12:00:00.000Z', pools: [appPool] },
    };
    const { m, poolNode } = market(10_000, [companion]);
    const app = only(m.poolChildren(poolNode), 'app')[0];
    const [held] = only(m.appChildren(app), 'checkout');
    assert.match(m.item(held).description!, /^held 1 min · pid 88/);
    assert.match(m.tooltip(held), /\*\*Checkout #9\*\* of market, held for 1 min 23 s/);
  });

  it('view() is the row and the hover together, for checks that read everything', () => {
    const { m, poolNode } = market(65_000);
    assert.deepEqual(m.view(poolNode), { ...m.item(poolNode), tooltip: m.tooltip(poolNode) });
  });
});
