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
});
