import assert from 'node:assert/strict';
import { runSize } from '../../src/cli/size';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runSize(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('pool-lens size', () => {
  it('recommends a max per pool with the reasoning: 100 − 3 − 0 − 5 = 92; 73.6 × ½ ÷ 4 = 9.2 → 9', async () => {
    const { code, stdout, stderr } = await run('--max-connections', '100', '--instances', '4', '--pool', 'blog=20', '--pool', 'market=5');
    assert.equal(code, 0);
    assert.equal(stderr, '');
    const lines = stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['blog    max 9', 'market  max 9']);
    assert.ok(lines.includes('  usable = max_connections 100 − superuser reserved 3 − reserved 0 − headroom 5 = 92'), stdout);
    assert.ok(lines.includes('  blog: 73.6 × 50% ÷ 4 instances = 9.2 → max 9'), stdout);
    // 20×4 + 5×4 = 100 > 92: the pools as written can exhaust the server.
    assert.ok(lines.includes('  at the current max: 20×4 + 5×4 = 100 of 92 usable'), stdout);
    assert.match(stdout, /warning: At their current max the pools can open 100 connections, more than the 92 usable/);
  });

  it('takes --flag=value, --reserved, --cores and a single unnamed pool', async () => {
    // 50 − 10 − 5 = 35 usable; 28 ÷ 2 = 14; cores 2 → 2×2 + 0 = 4 at once.
    const { code, stdout } = await run('--max-connections=50', '--instances=2', '--reserved=10', '--cores=2');
    assert.equal(code, 0);
    assert.match(stdout, /^app {2}max 14\n/);
    assert.match(stdout, /active ceiling = 2 cores × 2 \+ 0 spindles = 4 queries at once/);
  });

  it('advises PgBouncer for serverless apps', async () => {
    const { stdout } = await run('--max-connections', '100', '--instances', '20', '--serverless');
    assert.match(stdout, /PgBouncer in transaction mode/);
  });

  for (const [argv, reason] of [
    [[], /give the server's max_connections with --max-connections N\./],
    [['--max-connections', '100'], /give the number of app instances with --instances N\./],
    [['--max-connections', 'lots', '--instances', '2'], /--max-connections needs a whole number, e.g. --max-connections 4, not 'lots'\./],
    [['--max-connections', '100', '--instances', '0'], /--instances must be at least 1\./],
    [['--max-connections', '100', '--instances', '2', '--pool', 'blog=x'], /--pool takes name or name=max/],
    [['--max-connections', '100', '--instances', '2', '--pool', 'a', '--pool', 'a'], /pool 'a' is given twice\./],
    [['--max-connections', '100', '--instances', '2', '--verbose'], /unknown argument '--verbose'\./],
  ] as Array<[string[], RegExp]>) {
    it(`bad usage (${argv.join(' ') || 'no arguments'}) exits 2 with one line`, async () => {
      const { code, stdout, stderr } = await run(...argv);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /^pool-lens size: [^\n]+\n$/);
      assert.match(stderr, reason);
    });
  }

  it('prints the usage for --help', async () => {
    const { code, stdout } = await run('--help');
    assert.equal(code, 0);
    assert.match(stdout, /^usage: pool-lens size --max-connections N --instances N/);
  });
});
