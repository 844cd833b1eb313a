import * as assert from 'node:assert/strict';
import { buildCli, PROJECT_ROOT, runCli } from './cliHarness';

describe('pool-lens commands (built CLI)', () => {
  before(async function () {
    this.timeout(60_000);
    await buildCli();
  });

  it('runs size from the bundle and prints a max per pool with its reasoning', async () => {
    const result = await runCli(['size', '--max-connections', '100', '--instances', '2', '--pool', 'blog=20', '--pool', 'market=10'], PROJECT_ROOT);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^blog\s+max \d+$/m);
    assert.match(result.stdout, /^market\s+max \d+$/m);
    assert.match(result.stdout, /usable = max_connections 100/);
  });

  it('rejects bad size input with one line and exit 2', async () => {
    const result = await runCli(['size', '--max-connections', 'lots', '--instances', '2'], PROJECT_ROOT);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });

  it('names the commands when none is given', async () => {
    const result = await runCli([], PROJECT_ROOT);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /commands: lint, inspect, size/);
  });
});
