import * as assert from 'node:assert/strict';
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { runLint } from '../../src/cli/lint';
import { resolveDomains, resolvedConfigs } from '../../src/pg/domains';
import type { PoolActivity, ServerSnapshot } from '../../src/pg/model';
import { Monitor } from '../../src/pg/monitor';
import { discoverPools } from '../../src/workspace/poolDiscovery';
import { poolAlerts } from '../../src/extension/poolsTreeModel';
import { cleanupAll } from '../runner/cleanup';
import { DEMO_DOMAINS } from './domains';
import { DemoLoad } from './load';
import { startDemoServer } from './postgres';
import { createDemoDatabases } from './setup';
import { readCompanions } from '../../src/workspace/companions';
import { SOURCE_REGISTER } from './demoApp';
import { DEMO_FIXTURE, envFile, prepareWorkspace } from './workspace';

/**
 * What `npm start` promises, short of the editor: the demo workspace has the mistakes the README lists,
 * its pools line up with the demo's domains, and the demo's server and load, read through the `.env`
 * the demo writes, show all domains on one server with the planted leaks. Starts a real PostgreSQL;
 * run with `npx mocha test/demo/demo.test.ts` (not part of `npm test`).
 */
describe('npm start demo', function () {
  this.timeout(120_000);

  it('the demo workspace has a leaked client, a pool per request (with no error listener) and a script without end, and nothing in the correct route', async () => {
    let stdout = '';
    const code = await runLint([DEMO_FIXTURE, '--format', 'json'], { stdout: (text) => (stdout += text), stderr: () => undefined, cwd: DEMO_FIXTURE });
    assert.equal(code, 1);
    const findings = (JSON.parse(stdout) as { findings: Array<{ file: string; line: number; ruleId: string }> }).findings.map(
      (f) => `${f.file.slice(DEMO_FIXTURE.length + 1)}:${f.line} ${f.ruleId}`,
    );
    assert.deepEqual(findings.sort(), [
      'scripts/warm-cache.ts:1 script-without-end',
      'scripts/warm-cache.ts:2 script-without-end',
      'src/routes/posts.ts:14 leaked-client',
      'src/routes/reports.ts:9 missing-error-handler',
      'src/routes/reports.ts:9 pool-per-request',
    ]);
  });

  it("each demo domain has one shared pool in the code, reading the domain's env prefix with the load's application_name", async () => {
    const { pools } = await discoverPools(DEMO_FIXTURE);
    for (const domain of DEMO_DOMAINS) {
      const shared = pools.filter((pool) => pool.file.startsWith('src/db/') && pool.domain?.envPrefix === domain.envPrefix);
      assert.equal(shared.length, 1, `one pool in src/db/ for ${domain.envPrefix}`);
      const name = shared[0].options.applicationName;
      assert.deepEqual(name.kind === 'literal' ? name.value : name.kind, domain.applicationName);
    }
  });

  describe('against the demo server and load', () => {
    let load: DemoLoad | undefined;
    let monitor: Monitor | undefined;
    let workspace = '';

    after(async () => {
      await monitor?.dispose();
      await load?.stop();
      await cleanupAll();
    });

    it('shows blog, market and cache under one server with the right counts, and calls out the two leaks', async () => {
      const server = await startDemoServer();
      const connection = await createDemoDatabases(server);
      workspace = await prepareWorkspace(connection);
      load = await DemoLoad.start(connection, { workspace, register: SOURCE_REGISTER }, () => undefined);
      // What the extension reads: the workspace's settings and the .env the demo writes.
      const resolved = resolveDomains({
        pools: DEMO_DOMAINS.map((d) => ({ name: d.name, envPrefix: d.envPrefix })),
        envFiles: [{ name: '.env', text: envFile(connection) }],
        env: {},
      });
      assert.deepEqual(resolved.domains.filter((d) => !d.ok), []);
      const staleIdleMs = 2_000;
      monitor = new Monitor(resolvedConfigs(resolved), resolved.passwords, { staleIdleMs });

      const expected = { blog: { total: 2, idleInTransaction: 0 }, market: { total: 2, idleInTransaction: 1 }, cache: { total: 1, idleInTransaction: 0 } };
      const thresholds = { idleInTransactionWarnMs: 2_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: staleIdleMs };
      let last: ServerSnapshot[] = [];
      const settled = async (): Promise<Map<string, PoolActivity> | undefined> => {
        last = (await monitor!.snapshot()).servers;
        if (last.length !== 1 || last[0].status !== 'ok') return undefined;
        const pools = new Map(last[0].databases.flatMap((db) => db.pools).map((pool) => [pool.domain ?? `?${pool.database}`, pool]));
        const calledOut = pools.get('blog')?.counts.idleStale === 1 && (pools.get('market')?.oldestIdleInTransactionMs ?? 0) >= thresholds.idleInTransactionWarnMs;
        return calledOut ? pools : undefined;
      };
      let pools: Map<string, PoolActivity> | undefined;
      for (let attempt = 0; attempt < 40 && !pools; attempt++) {
        pools = await settled();
        if (!pools) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(pools, `the leaks were never called out; last snapshot: ${JSON.stringify(last)}`);

      assert.deepEqual(last[0].domains, ['blog', 'market', 'cache']);
      assert.deepEqual([...pools.keys()].sort(), ['blog', 'cache', 'market']);
      for (const domain of DEMO_DOMAINS) {
        const pool: PoolActivity = pools.get(domain.name)!;
        assert.equal(pool.applicationName, domain.applicationName);
        assert.equal(pool.counts.hidden, 0, `${domain.name}: every session readable`);
        assert.deepEqual(
          { total: pool.counts.total, idleInTransaction: pool.counts.idleInTransaction },
          expected[domain.name as keyof typeof expected],
          `${domain.name} counts`,
        );
      }
      assert.equal(pools.get('market')!.oldestIdleInTransactionPid, load.sessions.find((s) => s.domain === 'market')!.pid);
      assert.match(poolAlerts(pools.get('blog')!, thresholds).join(' '), /never released/);
      assert.match(poolAlerts(pools.get('market')!, thresholds).join(' '), /Idle in transaction/);
      assert.deepEqual(poolAlerts(pools.get('cache')!, thresholds), []);
    });

    it("finds the demo app's runtime companion in the workspace copy, with the stuck checkout at the line of src/routes/posts.ts that took it", async () => {
      assert.ok(load, 'the load runs (previous test)');
      const readings = await readCompanions(workspace);
      assert.deepEqual(readings.filter((r) => !r.ok), []);
      const pools = readings.flatMap((r) => (r.ok ? r.snapshot.pools : []));
      const blog = pools.find((pool) => pool.database === 'blog' && pool.applicationName === 'blog-api');
      assert.ok(blog, `no blog pool among ${JSON.stringify(pools.map((p) => p.name))}`);
      assert.equal(blog.checkedOut, 1);
      const [checkout] = blog.checkouts;
      const source = await readFile(path.join(workspace, 'src', 'routes', 'posts.ts'), 'utf8');
      const line = source.split('\n').findIndex((text) => text.includes('await blogPool.connect()')) + 1;
      assert.equal(checkout.file, path.join(await realpath(workspace), 'src', 'routes', 'posts.ts'));
      assert.equal(checkout.line, line);
      assert.equal(checkout.backendPid, load.sessions.find((s) => s.domain === 'blog')!.pid);
      assert.equal(load.sessions.find((s) => s.domain === 'blog')!.acquiredAt, `src/routes/posts.ts:${line}`);
    });
  });
});
