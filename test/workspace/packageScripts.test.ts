import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { filesRunBy, findNearestPackageJson, scriptModuleKeys } from '../../src/workspace/packageScripts';

describe('package.json scripts', () => {
  it('takes every bin entry and the files npm scripts run, as module keys', () => {
    const keys = scriptModuleKeys('/app', {
      bin: { 'app-admin': './bin/admin.js', other: 'bin/other.mjs' },
      scripts: {
        migrate: 'node scripts/migrate.js',
        seed: 'cross-env NODE_ENV=dev tsx ./scripts/seed.ts --force',
        start: 'node -r dotenv/config src/server',
        report: 'npx ts-node --transpile-only scripts/report/index.ts',
        direct: './tools/cleanup.js',
        build: 'tsc -p . && esbuild src/index.ts --bundle',
        lint: 'eslint "src/**/*.ts"',
      },
    });
    assert.deepEqual(keys.sort(), [
      '/app/bin/admin',
      '/app/bin/other',
      '/app/scripts/migrate',
      '/app/scripts/report',
      '/app/scripts/seed',
      '/app/src/server',
      '/app/tools/cleanup',
    ]);
  });

  it('accepts a single bin string and ignores manifests of the wrong shape', () => {
    assert.deepEqual(scriptModuleKeys('/app', { bin: 'cli.js' }), ['/app/cli']);
    assert.deepEqual(scriptModuleKeys('/app', null), []);
    assert.deepEqual(scriptModuleKeys('/app', { bin: 3, scripts: ['node x.js'] }), []);
  });

  it('reads every command of a chained script and skips inline code', () => {
    assert.deepEqual(filesRunBy('node a.js && node b.js; tsx c.ts || node -e "require(\'d.js\')"'), ['a.js', 'b.js', 'c.ts']);
  });

  it('finds the nearest package.json above a file', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-pkg-'));
    try {
      await fs.mkdir(path.join(root, 'pkg', 'src', 'deep'), { recursive: true });
      await fs.writeFile(path.join(root, 'pkg', 'package.json'), '{}');
      const file = path.join(root, 'pkg', 'src', 'deep', 'x.ts');
      await fs.writeFile(file, '');
      assert.equal(await findNearestPackageJson(file), path.join(root, 'pkg', 'package.json'));
      assert.equal(await findNearestPackageJson(path.join(root, 'pkg', 'src')), path.join(root, 'pkg', 'package.json'));
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
