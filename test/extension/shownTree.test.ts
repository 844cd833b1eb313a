import * as assert from 'node:assert/strict';
import { ShownTree } from '../../src/extension/shownTree';

interface Row {
  id: string;
  label: string;
}

/** A tree as a data provider would compute it now: children by parent id ('' for the root), fresh objects each time. */
type Source = Record<string, Array<[string, string]>>;

function rows(source: Source, parent: Row | undefined): Row[] {
  return (source[parent?.id ?? ''] ?? []).map(([id, label]) => ({ id, label }));
}

/** Plays VS Code: asks for children from the root down, draws each item, and records what it was given. */
async function show(tree: ShownTree<Row>, source: Source, from?: Row): Promise<Row[]> {
  const children = tree.handOut(from, rows(source, from));
  for (const child of children) {
    tree.rendered(child, child.label);
    if (source[child.id]) await show(tree, source, child);
  }
  return children;
}

const SOURCE: Source = {
  '': [['server:a', 'a']],
  'server:a': [['pool:blog', 'blog · 3 sessions']],
  'pool:blog': [['bucket:idle', 'idle 2'], ['bucket:active', 'active 1']],
  'bucket:idle': [['pid:10', 'pid 10 · idle 1 min'], ['pid:11', 'pid 11 · idle 2 min']],
};

function changed(source: Source, tree: ShownTree<Row>, asked: string[] = []): Promise<Array<Row | undefined>> {
  return tree.changes(
    async (parent) => {
      asked.push(parent?.id ?? '');
      return rows(source, parent);
    },
    (row) => row.label,
  );
}

describe('What the Pools view shows, and what a new snapshot refreshes', () => {
  it('refreshes nothing when nothing a user sees changed', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    assert.deepEqual(await changed(structuredClone(SOURCE), tree), []);
  });

  it('refreshes only the session row whose text changed, and keeps the object VS Code holds, with the new data', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    const held = tree.element('pid:11');
    const next = structuredClone(SOURCE);
    next['bucket:idle'][1] = ['pid:11', 'pid 11 · idle in transaction 5 s'];
    const refresh = await changed(next, tree);
    assert.deepEqual(refresh.map((row) => row?.id), ['pid:11']);
    assert.equal(refresh[0], held, 'the element VS Code already holds, so it can find it');
    assert.equal(held?.label, 'pid 11 · idle in transaction 5 s');
  });

  it('refreshes the parent (not each child) when its list of children changed, and asks again below it only once VS Code has', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    const next = structuredClone(SOURCE);
    next['bucket:idle'].push(['pid:12', 'pid 12 · idle 1 s']);
    const refresh = await changed(next, tree);
    assert.deepEqual(refresh.map((row) => row?.id), ['bucket:idle']);
    // VS Code has not asked for the bucket's children again yet: the next snapshot does not look below it.
    const asked: string[] = [];
    assert.deepEqual(await changed(next, tree, asked), []);
    assert.ok(!asked.includes('bucket:idle'), `asked for: ${asked.join(', ')}`);
  });

  it('refreshes the whole tree when a server comes or goes', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    const next = structuredClone(SOURCE);
    next[''].push(['server:b', 'b']);
    assert.deepEqual(await changed(next, tree), [undefined]);
    assert.equal(tree.element('server:a'), undefined, 'everything is forgotten, VS Code rebuilds it');
  });

  it('does not look below a collapsed element (no sessions query), and looks again once it is expanded', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    tree.setCollapsed(tree.element('bucket:idle')!, true);
    const next = structuredClone(SOURCE);
    next['bucket:idle'][0] = ['pid:10', 'pid 10 · active 2 s'];
    const asked: string[] = [];
    assert.deepEqual(await changed(next, tree, asked), []);
    assert.ok(!asked.includes('bucket:idle'));
    tree.setCollapsed(tree.element('bucket:idle')!, false);
    assert.deepEqual((await changed(next, tree)).map((row) => row?.id), ['pid:10']);
  });

  it('refreshes an element that changed together with nothing below it, and forgets its children until VS Code asks again', async () => {
    const tree = new ShownTree<Row>();
    await show(tree, SOURCE);
    const next = structuredClone(SOURCE);
    next['pool:blog'][0] = ['bucket:idle', 'idle 3'];
    next['bucket:idle'].push(['pid:12', 'pid 12 · idle 1 s']);
    assert.deepEqual((await changed(next, tree)).map((row) => row?.id), ['bucket:idle']);
    assert.equal(tree.element('pid:10'), undefined);
  });
});
