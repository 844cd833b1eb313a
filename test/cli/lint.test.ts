import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildCli, copyFixture, FIXTURES, locate, runCli, type CliRun } from './cliHarness';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: string;
  message: string;
}

interface JsonReport {
  filesScanned: number;
  findings: JsonFinding[];
}

const MISTAKES = path.join(FIXTURES, 'lint-mistakes');
const CORRECT = path.join(FIXTURES, 'lint-correct');
const UNPARSABLE = path.join(FIXTURES, 'lint-unparsable');
const FINDING_KEYS = ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'ruleId', 'severity'];
const TEXT_LINE = /^(.+):(\d+):(\d+) {2}(error|warning|info) {2}(.+) {2}([a-z-]+)$/;

function parseJson(result: CliRun): JsonReport {
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}, stderr ${result.stderr}):\n${result.stdout}`);
  }
}

/** `file:line ruleId` per finding, sorted, to compare what was found regardless of message wording. */
function summary(report: JsonReport): string[] {
  return report.findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`).sort();
}

describe('pool-lens lint (built CLI)', function () {
  this.timeout(120_000);
  const temporary: string[] = [];

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
  });

  after(async () => {
    for (const dir of temporary) await fs.rm(dir, { recursive: true, force: true });
  });

  async function temporaryCopy(name: string): Promise<string> {
    const dir = await copyFixture(name);
    temporary.push(dir);
    return dir;
  }

  describe('a project with the three mistakes', () => {
    let result: CliRun;
    let report: JsonReport;

    before(async () => {
      result = await runCli(['lint', '.', '--format', 'json'], MISTAKES);
      report = parseJson(result);
    });

    it('exits 1 and prints nothing on stderr', () => {
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stderr, '');
    });

    it('counts every source file found, including ones without pg, and skips .d.ts files', () => {
      assert.equal(report.filesScanned, 6);
    });

    it('reports each mistake once, at the line DESIGN.md names, with the file as found under the given folder', async () => {
      const at = async (file: string, snippet: string) => `${file}:${(await locate(path.join(MISTAKES, file), snippet)).line}`;
      assert.deepEqual(summary(report), [
        `${await at('./src/orders/repository.ts', 'db.connect()')} leaked-client`,
        `${await at('./src/routes/reports.ts', 'new Pool(')} pool-per-request`,
        `${await at('./tools/backfill-totals.ts', 'new Pool(')} script-without-end`,
        // Both sloppy pools also set no connectionTimeoutMillis and no application_name.
        `${await at('./src/routes/reports.ts', 'new Pool(')} pool-config`,
        `${await at('./src/routes/reports.ts', 'new Pool(')} pool-config`,
        `${await at('./tools/backfill-totals.ts', 'new Pool(')} pool-config`,
        `${await at('./tools/backfill-totals.ts', 'new Pool(')} pool-config`,
        // ...and have no 'error' listener (the shared pool in src/db.ts has one).
        `${await at('./src/routes/reports.ts', 'new Pool(')} missing-error-handler`,
        `${await at('./tools/backfill-totals.ts', 'new Pool(')} missing-error-handler`,
      ].sort());
    });

    it('gives 1-based start and end positions of the reported expression', async () => {
      const leak = report.findings.find((finding) => finding.ruleId === 'leaked-client');
      assert.ok(leak, 'no leaked-client finding');
      const expected = await locate(path.join(MISTAKES, 'src/orders/repository.ts'), 'db.connect()');
      assert.deepEqual(
        { line: leak.line, column: leak.column, endLine: leak.endLine, endColumn: leak.endColumn },
        expected,
      );
      const perRequest = report.findings.find((finding) => finding.ruleId === 'pool-per-request');
      assert.ok(perRequest, 'no pool-per-request finding');
      const newPool = await locate(path.join(MISTAKES, 'src/routes/reports.ts'), 'new Pool(');
      assert.deepEqual({ line: perRequest.line, column: perRequest.column }, { line: newPool.line, column: newPool.column });
    });

    it('prints findings with exactly the contract fields, default severities and a message', () => {
      for (const finding of report.findings) {
        assert.deepEqual(Object.keys(finding).sort(), FINDING_KEYS);
        assert.equal(finding.severity, 'warning');
        assert.ok(finding.message.length > 0);
      }
      assert.deepEqual(Object.keys(report).sort(), ['filesScanned', 'findings', 'unusedSuppressions']);
    });

    it('prints the same findings in text format, one line each, then a summary line', async () => {
      const text = await runCli(['lint', '.'], MISTAKES);
      assert.equal(text.code, 1);
      const lines = text.stdout.trimEnd().split('\n');
      const summaryLine = lines.pop();
      const parsed = lines.map((line) => {
        const match = TEXT_LINE.exec(line);
        assert.ok(match, `not a finding line: ${line}`);
        return `${match[1]}:${match[2]} ${match[6]}`;
      });
      assert.deepEqual(parsed.sort(), summary(report));
      assert.equal(summaryLine, `${report.findings.length} problems (0 errors, ${report.findings.length} warnings, 0 info) in 6 files.`);
    });
  });

  describe('a project without mistakes', () => {
    it('exits 0 with no findings in JSON and in text', async () => {
      const json = await runCli(['lint', '.', '--format=json'], CORRECT);
      assert.equal(json.code, 0, json.stdout + json.stderr);
      assert.deepEqual(parseJson(json), { filesScanned: 6, findings: [], unusedSuppressions: [] });
      const text = await runCli(['lint', 'src', 'scripts'], CORRECT);
      assert.equal(text.code, 0);
      assert.equal(text.stdout, 'No problems found in 6 files.\n');
      assert.equal(text.stderr, '');
    });
  });

  describe('cross-file pools', () => {
    it('knows the pool a file imports only when the module that creates it is linted too', async () => {
      const alone = await runCli(['lint', 'src/orders/repository.ts', '--format', 'json'], MISTAKES);
      assert.deepEqual(parseJson(alone), { filesScanned: 1, findings: [], unusedSuppressions: [] }, 'without db.ts, `db` is not known to be a pool');
      assert.equal(alone.code, 0);

      const together = await runCli(['lint', 'src/orders/repository.ts', 'src/db.ts', '--format', 'json'], MISTAKES);
      assert.equal(together.code, 1);
      assert.deepEqual(
        parseJson(together).findings.map((finding) => `${finding.file} ${finding.ruleId}`),
        ['src/orders/repository.ts leaked-client'],
      );
    });

    it('follows a re-export to the module that creates the pool', async () => {
      const dir = await temporaryCopy('lint-mistakes');
      await fs.writeFile(path.join(dir, 'src', 'data.ts'), `export { db as database } from './db';\n`);
      const repository = path.join(dir, 'src', 'orders', 'repository.ts');
      const original = await fs.readFile(repository, 'utf8');
      await fs.writeFile(
        repository,
        original.replace(`import { db } from '../db';`, `import { database } from '../data';`).replace(/\bdb\./g, 'database.'),
      );
      const result = await runCli(['lint', 'src', '--format', 'json'], dir);
      const leaks = parseJson(result).findings.filter((finding) => finding.ruleId === 'leaked-client');
      const call = await locate(repository, 'database.connect()');
      assert.deepEqual(
        leaks.map((finding) => [finding.file, finding.line, finding.column]),
        [[path.join('src', 'orders', 'repository.ts'), call.line, call.column]],
      );
    });
  });

  describe('package.json scripts', () => {
    it('treats a module as a script once the nearest package.json runs it', async () => {
      const dir = await temporaryCopy('lint-correct');
      await fs.mkdir(path.join(dir, 'jobs'));
      const job = path.join(dir, 'jobs', 'nightly.ts');
      await fs.writeFile(
        job,
        [
          `import { Pool } from 'pg';`,
          ``,
          `const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5_000, application_name: 'nightly' });`,
          `pool.on('error', (error) => console.error('nightly pool: idle client error', error));`,
          ``,
          `export async function purgeExpiredCarts(): Promise<number> {`,
          `  const { rowCount } = await pool.query("DELETE FROM carts WHERE updated_at < now() - interval '30 days'");`,
          `  return rowCount ?? 0;`,
          `}`,
          ``,
        ].join('\n'),
      );
      const asModule = await runCli(['lint', 'jobs', '--format', 'json'], dir);
      assert.deepEqual(parseJson(asModule), { filesScanned: 1, findings: [], unusedSuppressions: [] }, 'a module that only exports functions is not a script');

      const manifestPath = path.join(dir, 'package.json');
      const manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as { scripts: Record<string, string> };
      manifest.scripts.nightly = 'tsx jobs/nightly.ts';
      await fs.writeFile(manifestPath, JSON.stringify(manifest, null, 2));
      const asScript = await runCli(['lint', 'jobs', '--format', 'json'], dir);
      const newPool = await locate(job, 'new Pool(');
      assert.equal(asScript.code, 1);
      assert.deepEqual(
        parseJson(asScript).findings.map((finding) => [finding.file, finding.line, finding.column, finding.ruleId]),
        [[path.join('jobs', 'nightly.ts'), newPool.line, newPool.column, 'script-without-end']],
      );
    });
  });

  describe('walking folders', () => {
    it('finds sources in nested folders and every extension, and skips dependencies, VCS and build output', async () => {
      const dir = await temporaryCopy('lint-correct');
      const perRequest = await fs.readFile(path.join(MISTAKES, 'src', 'routes', 'reports.ts'), 'utf8');
      const skipped = ['node_modules/legacy-db/index.ts', 'src/node_modules/x/index.ts', '.git/hooks/check.ts', 'dist/reports.ts', 'out/reports.ts', 'build/reports.ts', 'coverage/reports.ts', '.next/server/reports.ts'];
      const walked = ['src/admin/exports/routes.cts', 'src/admin/exports/legacy.mjs'];
      for (const file of [...skipped, ...walked]) {
        await fs.mkdir(path.join(dir, path.dirname(file)), { recursive: true });
        await fs.writeFile(path.join(dir, file), perRequest);
      }
      await fs.writeFile(path.join(dir, 'src', 'admin', 'exports', 'types.d.mts'), 'export type Row = { id: string };\n');

      const result = await runCli(['lint', '.', '--format', 'json'], dir);
      const report = parseJson(result);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(report.filesScanned, 6 + walked.length);
      assert.deepEqual(
        [...new Set(report.findings.map((finding) => finding.file))].sort(),
        walked.map((file) => `.${path.sep}${file.split('/').join(path.sep)}`).sort(),
      );
    });

    it('names a file given directly exactly as given', async () => {
      const result = await runCli(['lint', './src/routes/../routes/reports.ts', '--format', 'json'], MISTAKES);
      assert.deepEqual([...new Set(parseJson(result).findings.map((finding) => finding.file))], ['./src/routes/../routes/reports.ts']);
    });
  });

  describe('a file that does not parse', () => {
    it('is counted, named once on stderr with its position, and does not change the exit status', async () => {
      const result = await runCli(['lint', 'src', '--format', 'json'], UNPARSABLE);
      assert.equal(result.code, 0);
      assert.deepEqual(parseJson(result), { filesScanned: 2, findings: [], unusedSuppressions: [] });
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], new RegExp(`^src${escape(path.sep)}half-written\\.ts:\\d+:\\d+: .*does not parse`));
    });
  });

  describe('bad usage and unreadable input exit 2 with one line on stderr', () => {
    const cases: Array<{ name: string; args: string[]; stderr: RegExp }> = [
      { name: 'a path that does not exist', args: ['lint', 'src', 'no-such-folder'], stderr: /no-such-folder.*no such file/ },
      { name: 'an unknown format', args: ['lint', '.', '--format', 'xml'], stderr: /unknown format 'xml'; use text, json or sarif/ },
      { name: 'a format without value', args: ['lint', '.', '--format'], stderr: /--format needs a value/ },
      { name: 'an unknown option', args: ['lint', '--fix', '.'], stderr: /unknown option '--fix'/ },
      { name: 'no paths', args: ['lint'], stderr: /at least one file or folder/ },
      { name: 'an unknown command', args: ['fix', '.'], stderr: /unknown command 'fix'/ },
      { name: 'no command', args: [], stderr: /usage: pool-lens <command>/ },
    ];
    for (const { name, args, stderr } of cases) {
      it(name, async () => {
        const result = await runCli(args, MISTAKES);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(result.stdout, '');
        assert.match(result.stderr.split('\n')[0], stderr);
      });
    }
  });
});

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
