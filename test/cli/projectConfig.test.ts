import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, runCli } from './cliHarness';

/** `pool.connect()` on line 4 leaks its client (leaked-client); no other rule's concern is at that line. */
const LEAK = `import { Pool } from 'pg';
const pool = new Pool();
export async function count() {
  const client = await pool.connect();
  return client.query('SELECT 1');
}
`;

interface Report {
  findings: Array<{ file: string; line: number; column: number; ruleId: string; severity: string }>;
  unusedSuppressions: Array<{ file: string; line: number; column: number; endLine: number; endColumn: number; message: string }>;
}

async function project(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-config-'));
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), text);
  }
  return root;
}

async function lintJson(cwd: string, target = '.') {
  const result = await runCli(['lint', target, '--format', 'json'], cwd);
  return { ...result, report: result.code === 2 ? undefined : (JSON.parse(result.stdout) as Report) };
}

function leakOf(report: Report | undefined) {
  return report?.findings.find((finding) => finding.ruleId === 'leaked-client' && finding.line === 4);
}

describe('pool-lens lint with a project config (built CLI)', function () {
  this.timeout(120_000);

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
  });

  it('applies the severities of pool-lens.config.json at the project root to files in subfolders', async () => {
    const root = await project({ 'src/db/count.ts': LEAK });
    assert.equal(leakOf((await lintJson(root)).report)?.severity, 'warning');
    await fs.writeFile(path.join(root, 'pool-lens.config.json'), JSON.stringify({ rules: { 'leaked-client': 'error' } }));
    const { report, stderr } = await lintJson(root);
    assert.equal(stderr, '');
    assert.equal(leakOf(report)?.severity, 'error');
    await fs.writeFile(path.join(root, 'pool-lens.config.json'), JSON.stringify({ rules: { 'leaked-client': 'off' } }));
    assert.equal(leakOf((await lintJson(root)).report), undefined);
  });

  it('reads the "poolLens" key of package.json, and the nearest config above each file wins', async () => {
    const root = await project({
      'package.json': JSON.stringify({ name: 'app', poolLens: { rules: { 'leaked-client': 'info' } } }),
      'api/count.ts': LEAK,
      'jobs/package.json': JSON.stringify({ name: 'jobs', poolLens: { rules: { 'leaked-client': 'error' } } }),
      'jobs/count.ts': LEAK,
    });
    const { report, stderr } = await lintJson(root);
    assert.equal(stderr, '');
    const severities = Object.fromEntries(report!.findings.filter((f) => f.ruleId === 'leaked-client').map((f) => [f.file, f.severity]));
    assert.deepEqual(severities, { [`.${path.sep}api${path.sep}count.ts`]: 'info', [`.${path.sep}jobs${path.sep}count.ts`]: 'error' });
  });

  it('prefers pool-lens.config.json over package.json in the same folder, and says so', async () => {
    const root = await project({
      'package.json': JSON.stringify({ name: 'app', poolLens: { rules: { 'leaked-client': 'off' } } }),
      'pool-lens.config.json': JSON.stringify({ rules: { 'leaked-client': 'error' } }),
      'count.ts': LEAK,
    });
    const { report, stderr } = await lintJson(root);
    assert.equal(leakOf(report)?.severity, 'error');
    assert.equal(stderr, 'pool-lens lint: package.json: the "poolLens" key is ignored because pool-lens.config.json in the same folder takes precedence.\n');
  });

  it('names each bad entry in one sentence on stderr and still applies the rest', async () => {
    const root = await project({
      'pool-lens.config.json': JSON.stringify({
        rules: { 'leaked-client': 'error', 'leaked-clients': 'off', 'pool-per-request': 'loud' },
        ruleOptions: { 'pool-config': { connectionBudget: -3 } },
      }),
      'count.ts': LEAK,
    });
    const { code, report, stderr } = await lintJson(root);
    assert.equal(code, 1);
    assert.equal(leakOf(report)?.severity, 'error');
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, stderr);
    assert.match(lines[0], /^pool-lens lint: pool-lens\.config\.json: "rules" names an unknown rule 'leaked-clients', which is ignored; known rules: leaked-client, /);
    assert.equal(lines[1], 'pool-lens lint: pool-lens.config.json: "rules"."pool-per-request" is "loud" but must be off, info, warning or error; the rule keeps its default.');
    assert.equal(lines[2], 'pool-lens lint: pool-lens.config.json: "ruleOptions"."pool-config"."connectionBudget" must be a whole number of connections, 1 or more; it is ignored.');
  });

  it('stops with status 2 and one sentence when the config file is not JSON', async () => {
    const root = await project({ 'pool-lens.config.json': '{ "rules": { "leaked-client": "off", } }', 'count.ts': LEAK });
    const { code, stdout, stderr } = await lintJson(root);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^pool-lens lint: pool-lens\.config\.json: not valid JSON \(.+\); fix the file or delete it\.\n$/);
  });
});

describe('pool-lens lint and unused suppressions (built CLI)', function () {
  this.timeout(120_000);

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, `node esbuild.mjs failed:\n${build.stderr}`);
  });

  const withDirectives = LEAK.replace('  return client', '  // pool-lens-disable-next-line leaked-client -- nothing to suppress here\n  return client').replace(
    '  const client',
    '  // pool-lens-disable-next-line leaked-client -- released by the caller\n  const client',
  );

  it('lists them in JSON after the findings, at the comment, without changing the exit status', async () => {
    const root = await project({ 'count.ts': withDirectives });
    const { code, report } = await lintJson(root);
    assert.equal(report!.findings.filter((finding) => finding.ruleId === 'leaked-client').length, 0, 'the first directive suppresses the leak');
    assert.deepEqual(report!.unusedSuppressions, [
      {
        file: `.${path.sep}count.ts`,
        line: 6,
        column: 3,
        endLine: 6,
        endColumn: 3 + '// pool-lens-disable-next-line leaked-client -- nothing to suppress here'.length,
        message: "'leaked-client' suppresses nothing on the next line.",
      },
    ]);
    assert.equal(code, report!.findings.length > 0 ? 1 : 0);
  });

  it('prints them in text after the findings and counts them in the summary', async () => {
    const root = await project({ 'count.ts': withDirectives, 'pool-lens.config.json': JSON.stringify({ rules: { 'pool-config': 'off', 'missing-error-handler': 'off' } }) });
    const result = await runCli(['lint', 'count.ts'], root);
    assert.equal(result.stdout, "count.ts:6:3  unused suppression  'leaked-client' suppresses nothing on the next line.\nNo problems found in 1 file. 1 unused suppression.\n");
    assert.equal(result.code, 0);
  });
});
