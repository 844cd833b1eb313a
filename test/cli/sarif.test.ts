import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/core/rules';
import { buildCli, FIXTURES, locate, PROJECT_ROOT, runCli } from './cliHarness';

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface Location {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string }; region: Region };
  message?: { text: string };
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; shortDescription: { text: string }; helpUri: string }> } };
    columnKind: string;
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Location[];
      relatedLocations?: Location[];
    }>;
  }>;
}

interface JsonReport {
  findings: Array<{ file: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; message: string }>;
}

const MISTAKES = path.join(FIXTURES, 'lint-mistakes');
const CORRECT = path.join(FIXTURES, 'lint-correct');
const DOCS_PREFIX = 'https://github.com/pool-lens/pool-lens/blob/main/';

describe('pool-lens lint --format sarif (built CLI)', function () {
  this.timeout(120_000);
  let code: number | null;
  let stderr: string;
  let log: SarifLog;
  let json: JsonReport;

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
    const result = await runCli(['lint', '.', '--format', 'sarif'], MISTAKES);
    ({ code, stderr } = result);
    log = JSON.parse(result.stdout) as SarifLog;
    json = JSON.parse((await runCli(['lint', '.', '--format', 'json'], MISTAKES)).stdout) as JsonReport;
  });

  it('exits 1 on findings, with nothing on stderr', () => {
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
  });

  it('is a SARIF 2.1.0 log with one run by the pool-lens driver, columns in UTF-16 code units', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.runs.length, 1);
    assert.equal(log.runs[0].tool.driver.name, 'pool-lens');
    assert.equal(log.runs[0].columnKind, 'utf16CodeUnits');
  });

  it('lists every rule in registry order with its description and a help URI to its docs page', () => {
    const rules = log.runs[0].tool.driver.rules;
    assert.deepEqual(rules.map((rule) => rule.id), RULES.map((rule) => rule.id));
    for (const [index, rule] of rules.entries()) {
      assert.equal(rule.shortDescription.text, RULES[index].meta.description);
      assert.equal(rule.helpUri, `${DOCS_PREFIX}docs/rules/${rule.id}.md`);
      assert.ok(existsSync(path.join(PROJECT_ROOT, rule.helpUri.slice(DOCS_PREFIX.length))), `${rule.helpUri} has no page in docs/rules`);
    }
  });

  it('has one result per finding of --format json, at the same regions, with relative URIs', () => {
    const results = log.runs[0].results;
    const asSarif = json.findings.map((finding) => ({
      ruleId: finding.ruleId,
      message: finding.message,
      uri: finding.file.replace(/^\.\//, '').split(path.sep).join('/'),
      region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
    }));
    assert.ok(asSarif.length > 0);
    assert.deepEqual(
      results.map((result) => ({
        ruleId: result.ruleId,
        message: result.message.text,
        uri: result.locations[0].physicalLocation.artifactLocation.uri,
        region: result.locations[0].physicalLocation.region,
      })),
      asSarif,
    );
    for (const result of results) {
      assert.equal(result.level, 'warning');
      assert.equal(log.runs[0].tool.driver.rules[result.ruleIndex].id, result.ruleId);
    }
  });

  it('gives the leaked client its related locations with messages', async () => {
    const leak = log.runs[0].results.find((result) => result.ruleId === 'leaked-client');
    assert.ok(leak?.relatedLocations?.length, 'the leaked-client result has no related locations');
    const release = await locate(path.join(MISTAKES, 'src/orders/repository.ts'), 'client.release()');
    const released = leak.relatedLocations.find((location) => location.message?.text === 'Released here, but not on that path.');
    assert.ok(released, JSON.stringify(leak.relatedLocations));
    assert.equal(released.physicalLocation.artifactLocation.uri, 'src/orders/repository.ts');
    assert.deepEqual(
      { line: released.physicalLocation.region.startLine, column: released.physicalLocation.region.startColumn },
      { line: release.line, column: release.column },
    );
    assert.deepEqual(leak.relatedLocations.map((location) => location.id), leak.relatedLocations.map((_, index) => index + 1));
  });

  it('exits 0 with an empty result list on a correct project', async () => {
    const result = await runCli(['lint', '.', '--format=sarif'], CORRECT);
    assert.equal(result.code, 0, result.stderr);
    const clean = JSON.parse(result.stdout) as SarifLog;
    assert.deepEqual(clean.runs[0].results, []);
    assert.equal(clean.runs[0].tool.driver.rules.length, RULES.length);
  });
});
