import * as assert from 'node:assert/strict';
import { ProjectIndex } from '../../src/workspace/projectIndex';

/** An index over in-memory files; `files` can be edited between calls to mimic saves on disk. */
function memoryIndex(files: Map<string, string>): ProjectIndex {
  return new ProjectIndex(async (file) => {
    const text = files.get(file);
    if (text === undefined) throw new Error(`ENOENT: ${file}`);
    return text;
  });
}

function exportsOf(index: ProjectIndex): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [key, names] of index.facts().poolExports) if (names.size > 0) result[key] = [...names].sort();
  return result;
}

const DB = `import { Pool } from 'pg';\nexport const pool = new Pool({ max: 5 });\n`;

/** An in-memory index that counts how often each file is read. */
function countingIndex(files: Map<string, string>): { index: ProjectIndex; reads: string[] } {
  const reads: string[] = [];
  const index = new ProjectIndex(async (file) => {
    reads.push(file);
    const text = files.get(file);
    if (text === undefined) throw new Error(`ENOENT: ${file}`);
    return text;
  });
  return { index, reads };
}

/** A small app: a pool module, a module re-exporting its pool under another name, routes using it, unrelated code. */
function smallApp(): Map<string, string> {
  return new Map([
    ['/app/routes/users.ts', `import { store } from '../repo';\nexport async function list() { return store.query('select 1'); }\n`],
    ['/app/repo.ts', `import { primary } from './db';\nexport { primary as store };\n`],
    ['/app/db.ts', `import { Pool } from 'pg';\nexport const primary = new Pool();\n`],
    ['/app/util/format.ts', `export const format = (n: number) => n.toFixed(2);\n`],
    ['/app/util/pool.ts', `import { format } from './format';\nexport const pool = [format(1)];\n`],
  ]);
}

describe('ProjectIndex', () => {
  it('finds a pool exported by a module, keyed without extension', async () => {
    const index = memoryIndex(new Map([['/app/src/db.ts', DB]]));
    assert.deepEqual(await index.addFiles(['/app/src/db.ts']), []);
    assert.deepEqual(exportsOf(index), { '/app/src/db': ['pool'] });
  });

  it('follows `export *` and renaming re-exports through an index module', async () => {
    const files = new Map([
      ['/app/src/db/pool.ts', DB],
      ['/app/src/db/index.ts', `export * from './pool';\n`],
      ['/app/src/data.ts', `export { pool as database } from './db';\n`],
    ]);
    const index = memoryIndex(files);
    await index.addFiles([...files.keys()]);
    assert.deepEqual(exportsOf(index), {
      '/app/src/db/pool': ['pool'],
      '/app/src/db': ['pool'],
      '/app/src/data': ['database'],
    });
  });

  it('sees an imported pool with a name that does not say "pool" re-exported under a new name', async () => {
    // `primary` is only known to be a pool once db.ts's exports are known: this needs a second round.
    const files = new Map([
      ['/app/db.js', `const { Pool } = require('pg');\nconst primary = new Pool();\nmodule.exports = { primary };\n`],
      ['/app/repo.js', `import { primary } from './db';\nexport default primary;\n`],
      ['/app/service.js', `export { default as store } from './repo';\n`],
    ]);
    const index = memoryIndex(files);
    await index.addFiles([...files.keys()]);
    assert.deepEqual(exportsOf(index), { '/app/db': ['primary'], '/app/repo': ['default'], '/app/service': ['store'] });
  });

  it('does not treat an import from a module without pools as a pool when the project is complete', async () => {
    const files = new Map([
      ['/app/config.ts', `export const pool = { size: 3 };\n`],
      ['/app/reexport.ts', `import { pool } from './config';\nexport default pool;\n`],
    ]);
    const index = memoryIndex(files);
    await index.addFiles([...files.keys()]);
    assert.deepEqual(exportsOf(index), {});
  });

  it('updates re-exporters when the exporting file changes or is deleted', async () => {
    const files = new Map([
      ['/app/db.ts', DB],
      ['/app/index.ts', `export * from './db';\n`],
    ]);
    const index = memoryIndex(files);
    await index.addFiles([...files.keys()]);
    assert.deepEqual(exportsOf(index), { '/app/db': ['pool'], '/app': ['pool'] });

    files.set('/app/db.ts', `export const pool = 'not a pg pool';\n`);
    assert.equal(await index.updateFile('/app/db.ts'), true);
    assert.deepEqual(exportsOf(index), {});

    files.set('/app/db.ts', DB);
    assert.equal(await index.updateFile('/app/db.ts'), true);
    assert.equal(await index.updateFile('/app/db.ts'), false, 'saving unchanged exports changes nothing');
    assert.equal(await index.removeFile('/app/db.ts'), true);
    assert.deepEqual(exportsOf(index), {});
  });

  it('reports a file that does not parse and counts it as exporting nothing', async () => {
    const files = new Map([
      ['/app/db.ts', DB],
      ['/app/broken.ts', `import { Pool } from 'pg';\nexport const pool = new Pool(;\n`],
    ]);
    const index = memoryIndex(files);
    const problems = await index.addFiles([...files.keys()]);
    assert.deepEqual(problems.map((problem) => problem.file), ['/app/broken.ts']);
    assert.deepEqual(exportsOf(index), { '/app/db': ['pool'] });
  });

  it('survives a re-export cycle', async () => {
    const files = new Map([
      ['/app/a.ts', `export * from './b';\nexport { pool } from './db';\n`],
      ['/app/b.ts', `export * from './a';\n`],
      ['/app/db.ts', DB],
    ]);
    const index = memoryIndex(files);
    await index.addFiles([...files.keys()]);
    assert.deepEqual(exportsOf(index), { '/app/a': ['pool'], '/app/b': ['pool'], '/app/db': ['pool'] });
  });

  it('hands out snapshots with the script files and completeness it was given', async () => {
    const index = memoryIndex(new Map());
    index.setScriptFiles(['/app/scripts/migrate']);
    index.setComplete(false);
    const facts = index.facts();
    index.setScriptFiles([]);
    assert.deepEqual([...facts.scriptFiles], ['/app/scripts/migrate']);
    assert.equal(facts.complete, false);
  });

  describe('incremental updates', () => {
    it('reads every file once to build, importers after the modules they import', async () => {
      const { index, reads } = countingIndex(smallApp());
      assert.deepEqual(await index.addFiles([...smallApp().keys()]), []);
      assert.deepEqual([...reads].sort(), [...smallApp().keys()].sort());
      assert.deepEqual(exportsOf(index), { '/app/db': ['primary'], '/app/repo': ['store'] });
    });

    it('reads only the changed file when its exports stay the same', async () => {
      const files = smallApp();
      const { index, reads } = countingIndex(files);
      await index.addFiles([...files.keys()]);
      reads.length = 0;
      files.set('/app/db.ts', `import { Pool } from 'pg';\nexport const primary = new Pool({ max: 4 });\n`);
      assert.equal(await index.updateFile('/app/db.ts'), false);
      assert.deepEqual(reads, ['/app/db.ts']);
    });

    it('reads the importers of a module whose exports changed, and nothing else', async () => {
      const files = smallApp();
      const { index, reads } = countingIndex(files);
      await index.addFiles([...files.keys()]);
      reads.length = 0;
      files.set('/app/db.ts', `export const primary = { query: () => [] };\n`);
      assert.equal(await index.updateFile('/app/db.ts'), true);
      // repo.ts re-exports db's pool under its own name, so it is summarised again; routes/users.ts imports
      // repo, whose exports changed too. The util files import neither and are not read.
      assert.deepEqual(reads, ['/app/db.ts', '/app/repo.ts', '/app/routes/users.ts']);
      assert.deepEqual(exportsOf(index), {});
    });

    it('takes the text of an unsaved document without reading the file', async () => {
      const files = smallApp();
      const { index, reads } = countingIndex(files);
      await index.addFiles([...files.keys()]);
      reads.length = 0;
      assert.equal(await index.updateFile('/app/util/format.ts', `import { Pool } from 'pg';\nexport const pool = new Pool();\n`), true);
      assert.deepEqual(reads, ['/app/util/pool.ts'], 'only the module importing format.ts is read again');
      assert.deepEqual(exportsOf(index)['/app/util/format'], ['pool']);
    });

    it('forgets a deleted file, reading only its importers', async () => {
      const files = smallApp();
      const { index, reads } = countingIndex(files);
      await index.addFiles([...files.keys()]);
      reads.length = 0;
      files.delete('/app/db.ts');
      assert.equal(await index.removeFile('/app/db.ts'), true);
      assert.deepEqual(reads, ['/app/repo.ts', '/app/routes/users.ts']);
      assert.deepEqual(exportsOf(index), {});
    });

    it('finds a pool created in a new file that existing files already import', async () => {
      const files = smallApp();
      files.delete('/app/db.ts');
      const { index, reads } = countingIndex(files);
      await index.addFiles([...files.keys()]);
      assert.deepEqual(exportsOf(index), {});
      reads.length = 0;
      files.set('/app/db.ts', `import { Pool } from 'pg';\nexport const primary = new Pool();\n`);
      assert.equal(await index.updateFile('/app/db.ts'), true);
      assert.deepEqual(reads, ['/app/db.ts', '/app/repo.ts', '/app/routes/users.ts']);
      assert.deepEqual(exportsOf(index), { '/app/db': ['primary'], '/app/repo': ['store'] });
    });
  });
});
