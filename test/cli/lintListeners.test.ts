import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli, runCli } from './cliHarness';

/**
 * The lint command parses a file that matters only for the error listener facts (here a listener on a
 * pool imported through a path alias) only when an analysis asks for those facts: the exported pool
 * without a listener of its own must still be judged with that listener in view.
 */
describe('pool-lens lint: error listeners in files the index defers', function () {
  this.timeout(60_000);
  let root: string;

  before(async () => {
    const build = await buildCli();
    assert.equal(build.code, 0, build.stderr);
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-listeners-'));
    await fs.mkdir(path.join(root, 'src'));
    await fs.writeFile(path.join(root, 'src', 'db.ts'), `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'app' });\n`);
    await fs.writeFile(path.join(root, 'src', 'format.ts'), `export const format = (n: number) => n.toFixed(2);\n`);
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function ruleIds(): Promise<string[]> {
    const result = await runCli(['lint', 'src', '--format', 'json'], root);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId);
  }

  it('reports the exported pool that no module listens to', async () => {
    await fs.rm(path.join(root, 'src', 'boot.ts'), { force: true });
    assert.deepEqual(await ruleIds(), ['missing-error-handler']);
  });

  it('does not report it when a module listens to a pool imported through a path alias', async () => {
    await fs.writeFile(path.join(root, 'src', 'boot.ts'), `import { pool } from '~lib';\npool.on('error', (err) => console.error(err));\n`);
    assert.deepEqual(await ruleIds(), []);
  });
});
