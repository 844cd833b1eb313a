import * as assert from 'node:assert/strict';
import * as tsParser from '@typescript-eslint/parser';
import { Linter, RuleTester } from 'eslint';
import { analyze } from '../../src/core/analyze';
import { ruleDocsUrl } from '../../src/core/docs';
import { applyEdits } from '../../src/core/edits';
import { RULES } from '../../src/core/rules';
import type { AnalyzeOptions, RuleId } from '../../src/core/types';
import { analysisOf } from '../../src/eslint/analysisCache';
import plugin from '../../src/eslint/plugin';

/** Flat config applies only to .js files unless `files` says otherwise; the cases are TypeScript. */
const tester = new RuleTester({ files: ['**/*.ts'], languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' } });

/** A pool every rule is happy with: error listener, timeouts, application_name. */
const POOL = `import { Pool } from 'pg';
const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders' });
pool.on('error', (error) => console.error(error));
`;

/** 1-based line and column of the first occurrence of a snippet. */
function at(code: string, snippet: string): { line: number; column: number } {
  const offset = code.indexOf(snippet);
  assert.ok(offset >= 0, `${snippet} is not in the case`);
  const before = code.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * An invalid case whose first error must sit at `snippet`, where DESIGN.md says the rule reports. The
 * messages and suggestion outputs are the core's (the plugin delegates to it); the positions are not.
 */
function invalid(ruleId: RuleId, code: string, snippet: string, options: AnalyzeOptions['ruleOptions'] = {}) {
  const findings = analyze(code, 'case.ts', { ruleOptions: options }).filter((finding) => finding.ruleId === ruleId);
  assert.ok(findings.length > 0, `the core finds no ${ruleId} in the case`);
  const errors = findings.map((finding) => {
    const lines = code.slice(0, finding.range[0]).split('\n');
    return {
      message: finding.message,
      line: lines.length,
      column: lines[lines.length - 1].length + 1,
      suggestions: (finding.fixes ?? []).map((fix) => ({ desc: fix.title, output: applyEdits(code, fix.edits) })),
    };
  });
  assert.deepEqual({ line: errors[0].line, column: errors[0].column }, at(code, snippet), `${ruleId} is not reported at ${snippet}`);
  const ruleOptions = (options as Record<string, unknown>)[ruleId];
  return { name: `${ruleId} at ${snippet}`, code, filename: 'case.ts', errors, ...(ruleOptions ? { options: [ruleOptions] } : {}) };
}

const CASES: Record<RuleId, { valid: string[]; invalid: Array<ReturnType<typeof invalid>> }> = {
  'leaked-client': {
    valid: [`${POOL}export async function count() {\n  const client = await pool.connect();\n  try {\n    return await client.query('SELECT 1');\n  } finally {\n    client.release();\n  }\n}\n`],
    invalid: [
      invalid(
        'leaked-client',
        `${POOL}export async function count() {\n  const client = await pool.connect();\n  const { rows } = await client.query('SELECT 1');\n  client.release();\n  return rows;\n}\n`,
        'pool.connect()',
      ),
    ],
  },
  'pool-per-request': {
    valid: [`${POOL}import express from 'express';\nconst app = express();\napp.get('/orders', async (req, res) => res.json((await pool.query('SELECT 1')).rows));\napp.listen(3000);\n`],
    invalid: [
      invalid(
        'pool-per-request',
        `import express from 'express';\nimport { Pool } from 'pg';\nconst app = express();\napp.get('/orders', async (req, res) => {\n  const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders' });\n  pool.on('error', console.error);\n  res.json((await pool.query('SELECT 1')).rows);\n});\napp.listen(3000);\n`,
        'new Pool(',
      ),
    ],
  },
  'script-without-end': {
    valid: [`#!/usr/bin/env node\n${POOL}const { rows } = await pool.query('SELECT 1');\nconsole.log(rows);\nawait pool.end();\n`],
    invalid: [invalid('script-without-end', `#!/usr/bin/env node\n${POOL}const { rows } = await pool.query('SELECT 1');\nconsole.log(rows);\n`, 'new Pool(')],
  },
  'transaction-on-pool': {
    valid: [`${POOL}export async function paid() {\n  return pool.query('SELECT * FROM orders WHERE paid');\n}\n`],
    invalid: [
      invalid(
        'transaction-on-pool',
        `${POOL}export async function pay(id: number) {\n  await pool.query('BEGIN');\n  await pool.query('UPDATE orders SET paid = true WHERE id = $1', [id]);\n  await pool.query('COMMIT');\n}\n`,
        "pool.query('BEGIN')",
      ),
    ],
  },
  'double-release': {
    valid: [`${POOL}export async function count() {\n  const client = await pool.connect();\n  try {\n    return await client.query('SELECT 1');\n  } finally {\n    client.release();\n  }\n}\n`],
    invalid: [
      invalid(
        'double-release',
        `${POOL}export async function count() {\n  const client = await pool.connect();\n  try {\n    return await client.query('SELECT 1');\n  } finally {\n    client.release();\n    client.release(true);\n  }\n}\n`,
        'client.release(true)',
      ),
    ],
  },
  'missing-rollback': {
    valid: [
      `${POOL}export async function pay(id: number) {\n  const client = await pool.connect();\n  try {\n    await client.query('BEGIN');\n    await client.query('UPDATE orders SET paid = true WHERE id = $1', [id]);\n    await client.query('COMMIT');\n  } catch (error) {\n    await client.query('ROLLBACK');\n    throw error;\n  } finally {\n    client.release();\n  }\n}\n`,
    ],
    invalid: [
      invalid(
        'missing-rollback',
        `${POOL}export async function pay(id: number) {\n  const client = await pool.connect();\n  try {\n    await client.query('BEGIN');\n    await client.query('UPDATE orders SET paid = true WHERE id = $1', [id]);\n    await client.query('COMMIT');\n  } catch (error) {\n    console.error(error);\n  } finally {\n    client.release();\n  }\n}\n`,
        "client.query('BEGIN')",
      ),
    ],
  },
  'missing-error-handler': {
    valid: [POOL],
    invalid: [invalid('missing-error-handler', `import { Pool } from 'pg';\nconst pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders' });\nexport const paid = () => pool.query('SELECT 1');\n`, 'new Pool(')],
  },
  'pool-config': {
    valid: [POOL, `${POOL.replace('connectionTimeoutMillis', 'max: 20, connectionTimeoutMillis')}`],
    invalid: [
      invalid('pool-config', `import { Pool } from 'pg';\nconst pool = new Pool({ application_name: 'orders' });\npool.on('error', console.error);\nexport const paid = () => pool.query('SELECT 1');\n`, 'new Pool('),
      invalid('pool-config', POOL.replace('connectionTimeoutMillis', 'max: 50, connectionTimeoutMillis'), 'max: 50', { 'pool-config': { connectionBudget: 20 } }),
    ],
  },
};

describe('pool-lens/eslint', () => {
  it('has one ESLint rule per Pool Lens rule, with its docs URL, and suggestions exactly where the rule has fixes', () => {
    assert.deepEqual(Object.keys(plugin.rules), RULES.map((rule) => rule.id));
    for (const rule of RULES) {
      const meta = plugin.rules[rule.id].meta!;
      assert.equal(meta.docs?.url, ruleDocsUrl(rule.id));
      assert.equal(meta.hasSuggestions, rule.meta.hasFixes);
      assert.equal(meta.fixable, undefined, `${rule.id} must not autofix: its fixes change what the program does`);
    }
  });

  it('recommended is a flat config that enables every rule at its default severity', () => {
    const { recommended } = plugin.configs;
    assert.equal(recommended.plugins['pool-lens'], plugin);
    assert.deepEqual(recommended.rules, Object.fromEntries(RULES.map((rule) => [`pool-lens/${rule.id}`, rule.meta.defaultSeverity === 'error' ? 'error' : 'warn'])));
    const messages = new Linter().verify(CASES['leaked-client'].invalid[0].code, [{ languageOptions: { parser: tsParser } }, recommended], 'src/count.ts');
    assert.deepEqual(messages.map((message) => message.ruleId), ['pool-lens/leaked-client']);
  });

  it('analyses a file once for all its rules, and again only for a rule given options', () => {
    const linter = new Linter();
    linter.verify(POOL, [{ plugins: { 'pool-lens': plugin }, rules: {} }], 'a.mjs');
    const sourceCode = linter.getSourceCode();
    const shared = analysisOf(sourceCode, 'a.mjs', undefined);
    assert.equal(analysisOf(sourceCode, 'a.mjs', undefined), shared);
    const budget = { ruleId: 'pool-config' as const, ruleOptions: { 'pool-config': { connectionBudget: 20 } } };
    const withOptions = analysisOf(sourceCode, 'a.mjs', undefined, budget);
    assert.notEqual(withOptions, shared);
    assert.equal(analysisOf(sourceCode, 'a.mjs', undefined, { ...budget }), withOptions);
  });

  it('rejects options a rule does not take', () => {
    const linter = new Linter();
    const run = (rules: Linter.RulesRecord) => linter.verify(POOL, [{ plugins: { 'pool-lens': plugin }, rules }], 'a.mjs');
    assert.throws(() => run({ 'pool-lens/pool-config': ['warn', { budget: 20 }] }), /budget/);
    assert.throws(() => run({ 'pool-lens/leaked-client': ['warn', { connectionBudget: 20 }] }), /should NOT have more than 0 items|Configuration for rule/);
    assert.deepEqual(run({ 'pool-lens/pool-config': ['warn', { connectionBudget: 20 }] }), []);
  });

  it('honours eslint-disable comments and the pool-lens-disable-next-line directive alike', () => {
    const code = CASES['leaked-client'].invalid[0].code;
    const config = [{ languageOptions: { parser: tsParser } }, plugin.configs.recommended];
    for (const directive of ['// eslint-disable-next-line pool-lens/leaked-client', '// pool-lens-disable-next-line leaked-client -- released by the caller']) {
      const suppressed = code.replace('  const client', `  ${directive}\n  const client`);
      assert.deepEqual(new Linter().verify(suppressed, config, 'src/count.ts'), [], directive);
    }
  });

  for (const rule of RULES) {
    const cases = CASES[rule.id];
    tester.run(rule.id, plugin.rules[rule.id], { valid: cases.valid.map((code, index) => ({ name: `${rule.id} valid #${index + 1}`, code, filename: 'case.ts' })), invalid: cases.invalid });
  }
});
