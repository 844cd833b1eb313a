import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProjectFiles, isInSkippedFolder } from '../../src/workspace/sourceFiles';

describe('findProjectFiles', () => {
  let root: string;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-walk-'));
    const files = [
      'src/db.ts',
      'src/routes/users.tsx',
      'src/types.d.ts',
      'src/legacy.cjs',
      'src/esm.mjs',
      'src/x.mts',
      'src/y.cts',
      'src/types.d.mts',
      'src/types.d.cts',
      'src/view.jsx',
      'src/readme.md',
      'package.json',
      'packages/tool/package.json',
      'node_modules/pg/package.json',
      'scripts/migrate.js',
      'node_modules/pg/index.js',
      'src/node_modules/local/index.js',
      '.git/hooks/pre-commit.js',
      'dist/bundle.js',
      'out/x.js',
      'build/x.js',
      'coverage/x.js',
      '.next/x.js',
    ];
    for (const file of files) {
      await fs.mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await fs.writeFile(path.join(root, file), '');
    }
  });

  after(() => fs.rm(root, { recursive: true, force: true }));

  it('lists JS/TS sources recursively in name order, skipping dependencies, VCS, build output and .d.ts files', async () => {
    const found = (await findProjectFiles(root)).sources;
    assert.deepEqual(
      found.map((file) => file.relative.split(path.sep).join('/')),
      ['scripts/migrate.js', 'src/db.ts', 'src/esm.mjs', 'src/legacy.cjs', 'src/routes/users.tsx', 'src/view.jsx', 'src/x.mts', 'src/y.cts'],
    );
    for (const file of found) assert.equal(file.absolute, path.join(root, file.relative));
  });

  it('lists package.json manifests outside node_modules', async () => {
    const { manifests } = await findProjectFiles(root);
    assert.deepEqual(manifests, [path.join(root, 'package.json'), path.join(root, 'packages', 'tool', 'package.json')]);
  });

  it('tells whether a path lies in a skipped folder', () => {
    assert.equal(isInSkippedFolder('/w/node_modules/pg/lib/index.js'), true);
    assert.equal(isInSkippedFolder('C:\\w\\dist\\x.js'), true);
    assert.equal(isInSkippedFolder('/w/src/distance.ts'), false);
  });
});
