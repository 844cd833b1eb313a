import * as assert from 'node:assert/strict';
import { PoolsTreeModel, type ChildSources, type PoolsNode, type Thresholds } from '../../src/extension/poolsTreeModel';
import { ShownTree } from '../../src/extension/shownTree';
import type { SessionRow, Snapshot } from '../../src/pg/model';
import { counts, okServer, pool, session, snapshotOf } from './snapshots';

/**
 * What a new snapshot refreshes in the Pools view, through the real tree model and ShownTree, as
 * `poolsTree.ts` wires them: children from `PoolsTreeModel.children`, rows compared by
 * `PoolsTreeModel.rendering`. One server, the blog pool with an idle and an active bucket, every
 * bucket expanded (VS Code has asked for its sessions).
 */

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 600_000, idleCheckoutWarnMs: 3_600_000 };

interface Crowd {
  snapshot: Snapshot;
  rows: SessionRow[];
}

/** The blog pool `seconds` after the first snapshot: pids 10 and 11 idle, 12 running a query; `moved` pids are active instead. */
function crowd(seconds: number, moved: number[] = []): Crowd {
  const ms = seconds * 1000;
  const idle = (pid: number, stateMs: number) => session({ pid, connectedMs: 900_000 + ms, queryMs: stateMs + ms, stateMs: stateMs + ms });
  const rows = [idle(10, 110_000), idle(11, 300_000), session({ pid: 12, state: 'active', waitEventType: null, waitEvent: null, connectedMs: 900_000 + ms, queryMs: 70_000 + ms, stateMs: 70_000 + ms })].map(
    (row) => (moved.includes(row.pid) ? { ...row, state: 'active', waitEventType: null, waitEvent: null, queryMs: 500, stateMs: 500 } : row),
  );
  const active = rows.filter((row) => row.state === 'active').length;
  const blog = pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ active, idle: rows.length - active }), longestQueryMs: 70_000 + ms, longestQueryPid: 12, longestIdleMs: 300_000 + ms });
  const snapshot = snapshotOf(okServer([blog], { domains: ['blog'] }));
  return { snapshot: { ...snapshot, takenAt: snapshot.takenAt + ms }, rows };
}

/** The view: the model, what VS Code was shown, and the sessions the server returns now. */
class View {
  readonly shown = new ShownTree<PoolsNode>();
  private rows: SessionRow[];
  private readonly model: PoolsTreeModel;
  sessionQueries = 0;
  readonly sources: ChildSources = {
    sessions: async () => {
      this.sessionQueries++;
      return this.rows.map((row) => ({ ...row }));
    },
    pages: () => 1,
  };

  constructor(first: Crowd) {
    this.model = new PoolsTreeModel({ snapshot: first.snapshot, problems: [], thresholds });
    this.rows = first.rows;
  }

  /** Plays VS Code: asks for children from `from` down, every bucket expanded, and draws each row. */
  async show(from?: PoolsNode): Promise<void> {
    for (const child of this.shown.handOut(from, await this.model.children(from, this.sources))) {
      this.shown.rendered(child, this.model.rendering(child));
      if (this.model.item(child).collapsible !== 'none') await this.show(child);
    }
  }

  /**
   * A new snapshot arrives: the ids of the elements the provider refreshes. VS Code then draws each
   * of them again and, as they are expanded, asks for their children again.
   */
  async next(state: Crowd): Promise<Array<string | undefined>> {
    this.model.update({ snapshot: state.snapshot, problems: [], thresholds });
    this.rows = state.rows;
    const refresh = await this.shown.changes((node) => this.model.children(node, this.sources), (node) => this.model.rendering(node));
    for (const node of refresh) {
      if (node) this.shown.rendered(node, this.model.rendering(node));
      await this.show(node);
    }
    return refresh.map((node) => node?.id);
  }

  tooltip(id: string): string {
    return this.model.tooltip(this.shown.element(id)!);
  }
}

const POOL = 'pool:127.0.0.1:5432/blog/blog-api/app';

describe('What a new snapshot refreshes in the Pools view (tree model + ShownTree)', () => {
  it('refreshes nothing for the same snapshot again', async () => {
    const view = new View(crowd(0));
    await view.show();
    assert.deepEqual(await view.next(crowd(0)), []);
  });

  it('refreshes nothing when only the seconds of ages past their first minute moved (what the hover shows did change)', async () => {
    const view = new View(crowd(0));
    await view.show();
    const hover = view.tooltip(`${POOL}#idle@11`);
    assert.deepEqual(await view.next(crowd(2)), []);
    assert.notEqual(view.tooltip(`${POOL}#idle@11`), hover, 'the hover reads the new ages from the element VS Code holds');
    assert.match(view.tooltip(`${POOL}#idle@11`), /in this state for 5 min 2 s/);
    assert.match(view.tooltip(POOL), /Longest running query: 1 min 12 s/);
  });

  it('refreshes exactly the old and the new bucket of a session that went from idle to active (their counts and children changed), not the pool or the server', async () => {
    const view = new View(crowd(0));
    await view.show();
    assert.deepEqual(await view.next(crowd(2, [11])), [`${POOL}#active`, `${POOL}#idle`]);
    // The pool row reads the same (3 sessions), though its hover's counts by state moved.
    assert.match(view.tooltip(POOL), /active 2 · idle 1/);
  });

  it('refreshes only the row of an idle session whose age crossed a minute', async () => {
    const view = new View(crowd(0));
    await view.show();
    // pid 10: idle 1 min 50 s, then 2 min 10 s; pid 11 (5 min) and pid 12 (1 min 10 s running) stay in their minute.
    assert.deepEqual(await view.next(crowd(20)), [`${POOL}#idle@10`]);
  });

  it('once VS Code has drawn the refreshed buckets again, the next snapshot compares their sessions again: one row crossing a minute', async () => {
    const view = new View(crowd(0));
    await view.show();
    assert.deepEqual(await view.next(crowd(2, [11])), [`${POOL}#active`, `${POOL}#idle`]);
    const queries = view.sessionQueries;
    assert.deepEqual(await view.next(crowd(4, [11])), []);
    assert.equal(view.sessionQueries, queries + 2, 'each expanded bucket asked for the sessions of this snapshot');
    // pid 10 crosses into its third minute at 10 s; pid 11, now active, stays under a second.
    assert.deepEqual(await view.next(crowd(12, [11])), [`${POOL}#idle@10`]);
  });
});
