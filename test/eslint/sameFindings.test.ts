import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { buildCli, FIXTURES, PROJECT_ROOT, runCli } from '../cli/cliHarness';

const MISTAKES = path.join(FIXTURES, 'lint-mistakes');

interface Plugin {
  configs: { recommended: Linter.Config };
  withProject(root: string): Promise<Linter.Config>;
}

interface JsonReport {
  findings: Array<{ file: string; line: number; column: number; ruleId: string }>;
}

/** `file:line:column ruleId`, sorted, with files relative to the fixture and forward slashes. */
function keys(entries: Array<{ file: string; line: number; column: number; ruleId: string }>): string[] {
  return entries.map((entry) => `${path.relative(MISTAKES, path.resolve(MISTAKES, entry.file)).split(path.sep).join('/')}:${entry.line}:${entry.column} ${entry.ruleId}`).sort();
}

/**
 * "The same findings from the editor, the CLI and ESLint": ESLint with the shipped plugin (dist/eslint.js)
 * and `pool-lens lint --format json` on the same project report the same rules at the same places. The
 * expected list is whatever the CLI reports today, so rules added later are compared too.
 */
describe('pool-lens/eslint and pool-lens lint agree (built plugin and CLI)', function () {
  this.timeout(120_000);
  let plugin: Plugin;
  let cli: string[];

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
    // Through package.json's "exports" "./eslint", as a user's eslint.config imports it (a package may import itself by name).
    const entry = require.resolve('pool-lens/eslint');
    assert.equal(entry, path.join(PROJECT_ROOT, 'dist', 'eslint.js'));
    plugin = require(entry) as Plugin;
    const result = await runCli(['lint', '.', '--format', 'json'], MISTAKES);
    assert.equal(result.code, 1, result.stderr);
    cli = keys((JSON.parse(result.stdout) as JsonReport).findings);
    assert.ok(cli.length >= 3, `the fixture should have findings: ${cli.join(', ')}`);
  });

  async function eslintFindings(configs: Linter.Config[]): Promise<string[]> {
    const eslint = new ESLint({ cwd: MISTAKES, overrideConfigFile: true, overrideConfig: [{ languageOptions: { parser: tsParser } }, ...configs] });
    const results = await eslint.lintFiles(['.']);
    const found: Array<{ file: string; line: number; column: number; ruleId: string }> = [];
    for (const result of results) {
      for (const message of result.messages) {
        const ruleId = message.ruleId ?? '';
        assert.ok(ruleId.startsWith('pool-lens/'), `${result.filePath}: ${message.message}`);
        found.push({ file: result.filePath, line: message.line, column: message.column, ruleId: ruleId.slice('pool-lens/'.length) });
      }
    }
    return keys(found);
  }

  it('reports the same rules at the same lines and columns with withProject() facts', async () => {
    assert.deepEqual(await eslintFindings([plugin.configs.recommended, await plugin.withProject(MISTAKES)]), cli);
  });

  it('without withProject() misses only what needs other files: the pool repository.ts imports from db.ts', async () => {
    const alone = await eslintFindings([plugin.configs.recommended]);
    const missed = cli.filter((key) => !alone.includes(key));
    assert.deepEqual(missed, ['src/orders/repository.ts:16:24 leaked-client']);
    assert.deepEqual(alone.filter((key) => !cli.includes(key)), []);
  });

  it('lints every TypeScript file of the project through the recommended config', async () => {
    const eslint = new ESLint({ cwd: MISTAKES, overrideConfigFile: true, overrideConfig: [{ languageOptions: { parser: tsParser } }, plugin.configs.recommended] });
    const linted = (await eslint.lintFiles(['.'])).map((result) => path.relative(MISTAKES, result.filePath).split(path.sep).join('/'));
    assert.deepEqual(linted.filter((file) => !file.endsWith('.d.ts')).sort(), ['src/db.ts', 'src/money.ts', 'src/orders/repository.ts', 'src/routes/reports.ts', 'src/server.ts', 'tools/backfill-totals.ts']);
  });
});
