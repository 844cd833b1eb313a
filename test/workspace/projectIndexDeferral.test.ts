import * as assert from 'node:assert/strict';
import { ProjectIndex } from '../../src/workspace/projectIndex';

/** A pool module without a listener, a module that listens to it through a path alias, unrelated code. */
const FILES = new Map([
  ['/app/src/db.ts', `import { Pool } from 'pg';\nexport const pool = new Pool();\n`],
  ['/app/src/boot.ts', `import { pool } from '~lib';\npool.on('error', (err) => console.error(err));\n`],
  ['/app/src/format.ts', `export const format = (n: number) => n.toFixed(2);\n`],
]);

function deferringIndex(parsed: string[]): ProjectIndex {
  return new ProjectIndex(
    async (file) => FILES.get(file)!,
    (file) => parsed.push(file),
    { deferListeners: true },
  );
}

describe('ProjectIndex with deferred error listeners', () => {
  it('does not parse a file that matters only for the listener facts until asked to', async () => {
    const parsed: string[] = [];
    const index = deferringIndex(parsed);
    await index.addFiles([...FILES.keys()]);
    assert.deepEqual(parsed, ['/app/src/db.ts']);
    assert.equal(index.hasDeferred, true);
    assert.deepEqual([...index.facts().poolExports.keys()], ['/app/src/db']);
    assert.equal(index.facts().unresolvedErrorListeners, false);

    await index.summariseDeferred();
    assert.deepEqual(parsed, ['/app/src/db.ts', '/app/src/boot.ts']);
    assert.equal(index.hasDeferred, false);
    assert.equal(index.facts().unresolvedErrorListeners, true);
  });

  it('gives the same facts after summarising the deferred files as an index that defers nothing', async () => {
    const deferring = deferringIndex([]);
    await deferring.addFiles([...FILES.keys()]);
    await deferring.summariseDeferred();
    const plain = new ProjectIndex(async (file) => FILES.get(file)!);
    await plain.addFiles([...FILES.keys()]);
    assert.deepEqual(deferring.facts(), plain.facts());
  });
});
