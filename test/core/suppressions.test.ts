import * as assert from 'node:assert/strict';
import { analyze, analyzeFile } from '../../src/core/analyze';
import { applyEdits } from '../../src/core/edits';
import type { AnalyzeOptions } from '../../src/core/types';

/** A file whose `pool.connect()` on line 5 leaks its client (leaked-client), with `directive` on line 4. */
function leaking(directive: string): string {
  return `import { Pool } from 'pg';
const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders' });
pool.on('error', console.error);
export async function count() {
${directive}
  const client = await pool.connect();
  const { rows } = await client.query('SELECT count(*) FROM orders');
  return rows[0];
}
`;
}

const LEAK_LINE = 6;

function unused(text: string, options: AnalyzeOptions = {}) {
  return analyzeFile(text, 'src/orders.ts', options).unusedSuppressions.map((entry) => ({
    line: text.slice(0, entry.range[0]).split('\n').length,
    comment: text.slice(entry.range[0], entry.range[1]),
    message: entry.message,
    fix: entry.fix.title,
    output: applyEdits(text, entry.fix.edits),
  }));
}

describe('pool-lens-disable-next-line', () => {
  it('suppresses the finding on the next line and is not reported as unused', () => {
    const text = leaking('  // pool-lens-disable-next-line leaked-client -- released by the caller');
    assert.ok(analyze(leaking(''), 'src/orders.ts').some((finding) => finding.ruleId === 'leaked-client'));
    const result = analyzeFile(text, 'src/orders.ts');
    assert.deepEqual(result.findings.filter((finding) => finding.ruleId === 'leaked-client'), []);
    assert.deepEqual(result.unusedSuppressions, []);
  });

  it('reports a directive whose next line has no finding of its rule, with a fix removing the whole line', () => {
    const text = leaking('  const started = Date.now(); // not the directive line').replace(
      "  const { rows }",
      "  // pool-lens-disable-next-line leaked-client -- it is released elsewhere\n  const { rows }",
    );
    const found = unused(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].line, LEAK_LINE + 1);
    assert.equal(found[0].comment, '// pool-lens-disable-next-line leaked-client -- it is released elsewhere');
    assert.equal(found[0].message, "'leaked-client' suppresses nothing on the next line.");
    assert.equal(found[0].fix, 'Remove this unused suppression');
    assert.equal(found[0].output, text.replace('  // pool-lens-disable-next-line leaked-client -- it is released elsewhere\n', ''));
  });

  it('names only the unused id of a directive with several, and its fix keeps the used one', () => {
    const text = leaking('  // pool-lens-disable-next-line pool-per-request, leaked-client');
    const found = unused(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].message, "'pool-per-request' suppresses nothing on the next line.");
    assert.equal(found[0].fix, "Remove 'pool-per-request' from this suppression");
    assert.equal(found[0].output, leaking('  // pool-lens-disable-next-line leaked-client'));
    assert.deepEqual(unused(found[0].output), []);
  });

  it('says in one sentence that an unknown id is not a rule', () => {
    const text = leaking('  // pool-lens-disable-next-line leaked-clients -- typo');
    const found = unused(text);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^'leaked-clients' is not a Pool Lens rule \(known rules: leaked-client, pool-per-request, .*\)\.$/);
    assert.ok(analyze(text, 'src/orders.ts').some((finding) => finding.ruleId === 'leaked-client'), 'an unknown id suppresses nothing');
  });

  it('reports a directive without ids that suppresses nothing, and removes a trailing one with its blanks', () => {
    const text = leaking('  const started = Date.now(); // pool-lens-disable-next-line').replace('  const client', '  // pool-lens-disable-next-line leaked-client\n  const client');
    const found = unused(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].message, 'This suppression suppresses nothing on the next line.');
    assert.ok(found[0].output.includes('  const started = Date.now();\n'));
  });

  it('does not call a directive unused when its rule is off in this configuration', () => {
    const text = leaking('').replace('  const { rows }', '  // pool-lens-disable-next-line double-release\n  const { rows }');
    assert.equal(unused(text).length, 1);
    assert.deepEqual(unused(text, { rules: { 'double-release': 'off' } }), []);
  });

  it('reports directives in files the text gate skips, and says nothing about a file without directives', () => {
    const text = '// pool-lens-disable-next-line leaked-client\nexport const answer = 42;\n';
    assert.equal(unused(text).length, 1);
    assert.deepEqual(analyzeFile('export const answer = 42;\n', 'a.ts'), { findings: [], unusedSuppressions: [] });
  });
});
