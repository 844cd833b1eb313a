import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import { ProjectIndex } from '../../src/workspace/projectIndex';

/** An index over in-memory files; `files` can be edited between calls to mimic saves on disk. */
function memoryIndex(files: Map<string, string>): ProjectIndex {
  return new ProjectIndex(async (file) => {
    const text = files.get(file);
    if (text === undefined) throw new Error(`ENOENT: ${file}`);
    return text;
  });
}

async function indexOf(files: Map<string, string>): Promise<ProjectIndex> {
  const index = memoryIndex(files);
  await index.addFiles([...files.keys()]);
  return index;
}

/** Module key → export name → listening modules, sorted, for comparison. */
function listenersOf(index: ProjectIndex): Record<string, Record<string, string[]>> {
  const result: Record<string, Record<string, string[]>> = {};
  for (const [key, names] of index.facts().poolErrorListeners ?? []) {
    for (const [name, modules] of names) (result[key] ??= {})[name] = [...modules].sort();
  }
  return result;
}

/** The missing-error-handler findings of one indexed file, as 1-based lines. */
function findingLines(index: ProjectIndex, files: Map<string, string>, file: string): number[] {
  const text = files.get(file)!;
  return analyze(text, file, { project: index.facts(), rules: { 'missing-error-handler': 'warning', 'pool-config': 'off' } })
    .filter((finding) => finding.ruleId === 'missing-error-handler')
    .map((finding) => text.slice(0, finding.range[0]).split('\n').length);
}

const DB = `import { Pool } from 'pg';\n\nexport const pool = new Pool({ max: 5 });\n`;

describe('error listener facts', () => {
  it('a pool exported from db.ts and listened to in server.ts is not reported', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/server.ts', `import { pool } from './db';\n\npool.on('error', (err) => console.error(err));\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(listenersOf(index), { '/app/src/db': { pool: ['/app/src/server'] } });
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), []);
  });

  it('a pool exported and used elsewhere without a listener is reported at new Pool()', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/routes.ts', `import { pool } from './db';\n\nexport const list = () => pool.query('select * from posts');\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(listenersOf(index), {});
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), [3]);
  });

  it('follows re-exports and forwarded imports back to the module that declares the pool', async () => {
    const files = new Map([
      ['/app/src/db/pool.ts', DB],
      ['/app/src/db/index.ts', `export { pool as database } from './pool';\n`],
      ['/app/src/shared.ts', `import { database } from './db';\n\nexport default database;\n`],
      ['/app/src/main.ts', `import db from './shared';\n\ndb.once('error', (err) => {\n  console.error(err);\n  process.exit(1);\n});\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(listenersOf(index), {
      '/app/src/shared': { default: ['/app/src/main'] },
      '/app/src/db': { database: ['/app/src/main'] },
      '/app/src/db/pool': { pool: ['/app/src/main'] },
    });
    assert.deepEqual(findingLines(index, files, '/app/src/db/pool.ts'), []);
  });

  it('a namespace import listened to through a member, and CommonJS requires', async () => {
    const files = new Map([
      ['/app/lib/db.js', `const { Pool } = require('pg');\n\nconst pool = new Pool();\n\nmodule.exports = { pool };\n`],
      ['/app/lib/app.js', `const db = require('./db');\n\ndb.pool.on('error', (err) => console.error(err));\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(listenersOf(index), { '/app/lib/db': { pool: ['/app/lib/app'] } });
    assert.deepEqual(findingLines(index, files, '/app/lib/db.js'), []);
  });

  it('a pool handed to a helper of another module counts as possibly listened to', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/boot.ts', `import { pool } from './db';\nimport { watchDatabase } from './health';\n\nwatchDatabase(pool);\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(listenersOf(index), { '/app/src/db': { pool: ['/app/src/boot'] } });
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), []);
  });

  it('a listener on a pool imported through a path alias leaves every exported pool unknown', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/server.ts', `import { pool } from '@/db';\n\npool.on('error', (err) => console.error(err));\n`],
    ]);
    const index = await indexOf(files);
    assert.equal(index.facts().unresolvedErrorListeners, true);
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), []);
  });

  it('adding and removing the listener in another file changes the facts', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/server.ts', `import { pool } from './db';\n\nawait pool.query('select 1');\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), [3]);

    files.set('/app/src/server.ts', `import { pool } from './db';\n\npool.on('error', (err) => console.error(err));\nawait pool.query('select 1');\n`);
    assert.equal(await index.updateFile('/app/src/server.ts'), true);
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), []);

    files.delete('/app/src/server.ts');
    assert.equal(await index.removeFile('/app/src/server.ts'), true);
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), [3]);
  });

  it('parses a file with a listener only when the listener may be on a pool it imports', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/events.ts', `import { EventEmitter } from 'node:events';\n\nexport const bus = new EventEmitter();\n`],
      ['/app/src/worker.ts', `import { bus } from './events';\n\nbus.on('error', (err) => console.error(err));\n`],
      ['/app/src/server.ts', `import { pool } from './db';\n\npool.on('error', (err) => console.error(err));\n`],
      ['/app/src/cache.ts', `import { redisPool } from 'redis-pool';\n\nredisPool.on('error', (err) => console.error(err));\n`],
    ]);
    const parsed: string[] = [];
    const index = new ProjectIndex(
      async (file) => files.get(file)!,
      (file) => parsed.push(file),
    );
    await index.addFiles([...files.keys()]);
    assert.deepEqual(parsed.sort(), ['/app/src/cache.ts', '/app/src/db.ts', '/app/src/server.ts']);
    assert.deepEqual(listenersOf(index), { '/app/src/db': { pool: ['/app/src/server'] } });
    assert.equal(index.facts().unresolvedErrorListeners, true);
  });

  it('a module that starts to pass a pool on makes the listeners of its importers count', async () => {
    const files = new Map([
      ['/app/src/db.ts', DB],
      ['/app/src/shared.ts', `export const pool = { name: 'placeholder' };\n`],
      ['/app/src/main.ts', `import { pool } from './shared';\n\npool.on('error', (err) => console.error(err));\n`],
    ]);
    const index = await indexOf(files);
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), [3]);

    files.set('/app/src/shared.ts', `export { pool } from './db';\n`);
    assert.equal(await index.updateFile('/app/src/shared.ts'), true);
    assert.deepEqual(listenersOf(index), listenersOf(await indexOf(files)));
    assert.deepEqual(findingLines(index, files, '/app/src/db.ts'), []);
  });
});
