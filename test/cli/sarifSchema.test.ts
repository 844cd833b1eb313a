import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { analyze } from '../../src/core/analyze';
import { buildCli, copyFixture, FIXTURES, PROJECT_ROOT, runCli } from './cliHarness';

/** The OASIS SARIF 2.1.0 schema (draft-04), as published with errata 01 (rtm.5). */
const SCHEMA = path.join(PROJECT_ROOT, 'node_modules/@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json');

/**
 * A validator for the schema. Its `language` pattern is not a valid Unicode regular expression, so
 * patterns are compiled without the `u` flag; the formats it uses are checked here rather than ignored.
 */
function sarifValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/') && !/\s/.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value));
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
}

interface Location {
  physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; startColumn?: number } };
  message?: { text: string };
}

interface Log {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } };
    results: Array<{ ruleId: string; locations: Location[]; relatedLocations?: Location[] }>;
  }>;
}

describe('pool-lens lint --format sarif against the SARIF 2.1.0 schema (built CLI)', function () {
  this.timeout(120_000);
  let validate: ValidateFunction;

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
    validate = sarifValidator();
  });

  function assertValid(log: unknown): void {
    const valid = validate(log);
    assert.ok(valid, `not valid SARIF 2.1.0:\n${JSON.stringify(validate.errors, null, 2)}`);
  }

  it('validates the log of a project with findings; every rule has a help URI, every result a region', async () => {
    const result = await runCli(['lint', '.', '--format', 'sarif'], path.join(FIXTURES, 'lint-mistakes'));
    assert.equal(result.code, 1, result.stderr);
    const log = JSON.parse(result.stdout) as Log;
    assertValid(log);
    const run = log.runs[0];
    for (const rule of run.tool.driver.rules) assert.ok(rule.helpUri && URL.canParse(rule.helpUri), `${rule.id} has no help URI`);
    assert.ok(run.results.length > 0);
    for (const sarifResult of run.results) {
      for (const location of [...sarifResult.locations, ...(sarifResult.relatedLocations ?? [])]) {
        const region = location.physicalLocation?.region;
        assert.ok(region?.startLine && region.startColumn, `a ${sarifResult.ruleId} location has no region`);
      }
    }
    assert.ok(run.results.some((sarifResult) => (sarifResult.relatedLocations ?? []).every((location) => location.message?.text)));
  });

  it('validates the empty log of a correct project', async () => {
    const result = await runCli(['lint', '.', '--format', 'sarif'], path.join(FIXTURES, 'lint-correct'));
    assert.equal(result.code, 0, result.stderr);
    assertValid(JSON.parse(result.stdout));
  });

  it('validates absolute paths with spaces and non-ASCII names as file URIs', async () => {
    const folder = await copyFixture('lint-correct');
    const odd = path.join(folder, 'déjà vu #1');
    await fs.mkdir(odd);
    const leak = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function count() {\n  const client = await pool.connect();\n  const { rows } = await client.query('SELECT 1');\n  client.release();\n  return rows;\n}\n";
    await fs.writeFile(path.join(odd, 'repository.ts'), leak);
    const result = await runCli(['lint', odd, '--format', 'sarif'], folder);
    assert.equal(result.code, 1, result.stderr);
    const log = JSON.parse(result.stdout) as Log;
    assertValid(log);
    const uri = log.runs[0].results[0].locations[0].physicalLocation?.artifactLocation?.uri ?? '';
    assert.equal(decodeURIComponent(new URL(uri).pathname), path.join(odd, 'repository.ts'));
    // Every finding's related information is there, as related locations with its messages.
    const findings = analyze(leak, path.join(odd, 'repository.ts'));
    assert.deepEqual(
      log.runs[0].results.map((result) => [result.ruleId, (result.relatedLocations ?? []).map((location) => location.message?.text)]),
      findings.map((finding) => [finding.ruleId, (finding.related ?? []).map((related) => related.message)]),
    );
    assert.ok(findings.some((finding) => (finding.related ?? []).length > 0), 'the case should have related information');
  });

  it('rejects a log that breaks the schema, so the checks above can fail', async () => {
    const result = await runCli(['lint', '.', '--format', 'sarif'], path.join(FIXTURES, 'lint-mistakes'));
    const log = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ level: string }> }> };
    log.runs[0].results[0].level = 'info';
    assert.equal(validate(log), false);
  });
});
