import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import { mayCreatePool, mayUsePg } from '../../src/core/gate';
import type { ProjectFacts } from '../../src/core/project';

function facts(complete: boolean, poolModules: string[] = []): ProjectFacts {
  return { poolExports: new Map(poolModules.map((key) => [key, new Set(['pool'])])), scriptFiles: new Set(), complete };
}

/** Talks about a pool and calls pool-like methods, but binds no pg. */
const WORKER_POOL = `import { WorkerPool } from './workers';\nconst pool = new WorkerPool();\npool.on('exit', () => pool.query('x'));\n`;

describe('text gate (mayUsePg)', () => {
  it('lets through a file that names pg or pg-pool, with or without facts', () => {
    for (const text of [`import { Pool } from 'pg';`, `const Pool = require("pg-pool");`, 'const pg = await import(`pg`);']) {
      assert.equal(mayUsePg(text), true, text);
      assert.equal(mayUsePg(text, facts(true)), true, text);
    }
  });

  it('lets through a module name spelled with escapes', () => {
    for (const text of [String.raw`require('p\x67')`, String.raw`import p from '\u0070g';`, String.raw`require('pg-p\x6fol')`, String.raw`require('p\g')`, String.raw`require('\160g')`]) {
      assert.equal(mayUsePg(text, facts(true)), true, text);
      assert.equal(mayCreatePool(text), true, text);
    }
    assert.equal(mayUsePg(String.raw`const eol = '\n'; const nbsp = '\u00A0';`, facts(true)), false);
  });

  it('takes pool words and pool calls for a sign of pg only when the facts are not complete', () => {
    assert.equal(mayUsePg(WORKER_POOL), true);
    assert.equal(mayUsePg(WORKER_POOL, facts(false)), true);
    assert.equal(mayUsePg(WORKER_POOL, facts(true)), false);
    assert.equal(mayCreatePool(WORKER_POOL), false);
  });

  it('stops with complete facts only files in which the analysis, gate off, finds no pg', () => {
    // Without facts the imported \`pool\` is taken for a pg pool (a leak is found); with complete facts
    // that do not list './db' it is not, and the gate may skip the file.
    const leak = `import { pool } from './db';\nexport async function f() {\n  const client = await pool.connect();\n  await client.query('select 1');\n}\n`;
    assert.deepEqual(analyze(leak, '/app/src/users.ts', { gate: false }).map((finding) => finding.ruleId), ['leaked-client']);
    assert.equal(mayUsePg(leak), true);
    assert.deepEqual(analyze(leak, '/app/src/users.ts', { gate: false, project: facts(true) }), []);
    assert.equal(mayUsePg(leak, facts(true)), false);
    assert.deepEqual(analyze(leak, '/app/src/users.ts', { gate: false, project: facts(true, ['/app/src/db']) }).map((finding) => finding.ruleId), ['leaked-client']);
    assert.equal(mayUsePg(leak, facts(true, ['/app/src/db'])), true);
  });

  it('lets through a file that may import a module exporting a pool', () => {
    const project = facts(true, ['/app/src/db']);
    assert.equal(mayUsePg(`import { pool } from '../db';\nexport const users = () => pool.query('select 1');\n`, project), true);
    assert.equal(mayUsePg(`const { pool } = require('..\\\\db');\n`, project), true);
    // A folder's index: the key's base name (`db`) is not in the specifier.
    assert.equal(mayUsePg(`const { pool } = require('.');\n`, facts(true, ['/app/src/db'])), true);
    assert.equal(mayUsePg(`import { format } from './format';\n`, project), false);
    assert.equal(mayUsePg(`const { pool } = require('.');\n`, facts(true)), false);
  });
});
