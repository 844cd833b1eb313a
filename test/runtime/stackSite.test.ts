import assert from 'node:assert/strict';
import { siteOf } from '../../src/runtime/stackSite';

const OWN = new Set(['/app/node_modules/pool-lens/dist/register.js']);
const site = (...frames: string[]) => siteOf({ stack: ['Error', ...frames.map((frame) => `    ${frame}`)].join('\n') }, OWN);

describe('runtime companion: the acquisition line in a stack', () => {
  it('skips pg and pg-pool (any install layout) and the companion', () => {
    const found = site(
      'at BoundPool.query (/app/node_modules/pg-pool/index.js:449:10)',
      'at /app/node_modules/.pnpm/pg@8.23.0/node_modules/pg/lib/index.js:12:3',
      'at Pool (/app/node_modules/pool-lens/dist/register.js:40:7)',
      'at async OrdersRepo.find (/app/src/orders (v2)/repo.js:17:26)',
    );
    assert.deepEqual([found.file, found.line, found.column], ['/app/src/orders (v2)/repo.js', 17, 26]);
    assert.equal(found.stack.length, 4);
  });

  it('skips Node itself and code without a file', () => {
    const found = site(
      'at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      'at eval (eval at load (/app/src/db.js:3:1), <anonymous>:1:1)',
      'at new Promise (<anonymous>)',
      'at main (/app/main.js:8:1)',
    );
    assert.deepEqual([found.file, found.line, found.column], ['/app/main.js', 8, 1]);
  });

  it('keeps at most 4 frames, the ones captured', () => {
    const frames = Array.from({ length: 6 }, (_, i) => `at f${i} (/app/node_modules/pg/lib/x.js:${i + 1}:1)`);
    assert.deepEqual(site(...frames, 'at main (/app/main.js:1:1)'), { stack: frames.slice(0, 4) });
  });

  it('converts file: URLs and keeps Windows paths', () => {
    assert.equal(site('at file:///app/src/main%20app.mjs:5:9').file, '/app/src/main app.mjs');
    assert.deepEqual([site('at run (C:\\app\\src\\db.js:7:2)').file, site('at run (C:\\app\\src\\db.js:7:2)').line], ['C:\\app\\src\\db.js', 7]);
    assert.equal(site('at C:\\app\\node_modules\\pg-pool\\index.js:1:1', 'at C:\\app\\main.js:2:3').file, 'C:\\app\\main.js');
  });

  it('has no line when no frame is the app’s, and no frames when a custom prepareStackTrace returned no text', () => {
    assert.deepEqual(site('at Pool.connect (/app/node_modules/pg-pool/index.js:1:1)'), { stack: ['at Pool.connect (/app/node_modules/pg-pool/index.js:1:1)'] });
    assert.deepEqual(siteOf({ stack: [{ getFileName: () => '/app/x.js' }] }, OWN), { stack: [] });
    assert.deepEqual(siteOf({}, OWN), { stack: [] });
  });
});
