import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInspect } from '../../src/cli/inspect';
import { checkoutFlag } from '../../src/extension/appPoolsModel';
import { resolveDomains } from '../../src/pg/domains';
import type { InspectReport } from '../../src/pg/inspectReport';
import { Monitor } from '../../src/pg/monitor';
import { readCompanions, type CompanionAnswer } from '../../src/workspace/companions';
import { createDomainDatabases, ROLES } from './fixtures';
import { eventually, startServer, type TestServer } from './server';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The app: one pool instrumented with the real companion (the bundle `npm run build` ships as
 * dist/runtime.js), max 1, whose only client is taken and never released; a second caller then waits.
 */
const ORDERS_JS = `const { Pool } = require(process.env.PG_MODULE);
const { instrument } = require(process.env.POOL_LENS_RUNTIME);

const pool = new Pool({
  host: process.env.MARKET_DB_HOST,
  port: Number(process.env.MARKET_DB_PORT),
  database: process.env.MARKET_DB_NAME,
  user: process.env.MARKET_DB_USER,
  password: process.env.MARKET_DB_PASSWORD,
  application_name: 'market-api',
  max: 1,
});
pool.on('error', () => {});
instrument(pool, { name: 'market' });

async function listOrders() {
  const client = await pool.connect(); // the leaked checkout
  await client.query('SELECT 1');
  return client.processID;
}

listOrders().then((pid) => {
  pool.connect().catch(() => {}); // waits for ever: the pool's only client is never released
  process.stdout.write('backend ' + pid + '\\n');
});
`;

function envFile(server: TestServer): string {
  return [`MARKET_DB_HOST=${server.host}`, `MARKET_DB_PORT=${server.port}`, 'MARKET_DB_NAME=market', `MARKET_DB_USER=${ROLES.market.user}`, `MARKET_DB_PASSWORD=${ROLES.market.password}`, 'MARKET_DB_SSLMODE=disable'].join('\n');
}

/** Builds the shipped bundles into `outdir` with the project's own esbuild script (dist/ stays untouched). */
function buildBundles(outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['esbuild.mjs', `--outdir=${outdir}`], { cwd: PROJECT_ROOT }, (error, _stdout, stderr) => (error ? reject(new Error(`the build failed: ${stderr}`)) : resolve()));
  });
}

describe('runtime companion reader against a real instrumented app', function () {
  this.timeout(120_000);
  let server: TestServer;
  let workspace: string;
  let bundles: string;
  let app: ChildProcess | undefined;
  let backendPid: number;

  before(async () => {
    bundles = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-bundles-'));
    await buildBundles(bundles);
    server = await startServer();
    await createDomainDatabases(server);
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-companion-app-'));
    await fs.mkdir(path.join(workspace, 'src', 'routes'), { recursive: true });
    await fs.mkdir(path.join(workspace, '.vscode'));
    await fs.writeFile(path.join(workspace, 'src', 'routes', 'orders.js'), ORDERS_JS);
    await fs.writeFile(path.join(workspace, '.env'), envFile(server));
    await fs.writeFile(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'poolLens.pools': [{ name: 'market', envPrefix: 'MARKET_DB_' }], 'poolLens.checkoutWarnMs': 100 }));

    const env = Object.fromEntries(envFile(server).split('\n').map((line) => line.split('=') as [string, string]));
    app = spawn(process.execPath, ['src/routes/orders.js'], {
      cwd: workspace,
      env: { PATH: process.env.PATH, ...env, PG_MODULE: require.resolve('pg'), POOL_LENS_RUNTIME: path.join(bundles, 'runtime.js') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    backendPid = await eventually('the app to take its client', async () => {
      const match = /backend (\d+)/.exec(output);
      if (!match && app?.exitCode !== null) throw new Error(`the app exited: ${output}`);
      return match ? Number(match[1]) : undefined;
    }, 400);
  });

  after(async () => {
    app?.kill();
    await server?.stop();
    for (const folder of [workspace, bundles]) if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  async function answer(): Promise<CompanionAnswer> {
    return eventually('the companion to answer with the waiting caller', async () => {
      const readings = await readCompanions(workspace);
      const reading = readings.find((r) => (r.ok ? r.endpoint.pid : r.pid) === app?.pid);
      if (reading && !reading.ok) throw new Error(reading.problem);
      return reading?.ok && reading.snapshot.pools[0]?.waitingCount === 1 ? reading : undefined;
    }, 200);
  }

  it('returns the leaked checkout with the file and line that called connect(), and its backend', async () => {
    const reading = await answer();
    const source = await fs.readFile(path.join(workspace, 'src', 'routes', 'orders.js'), 'utf8');
    const line = source.split('\n').findIndex((text) => text.includes('// the leaked checkout')) + 1;
    assert.equal(reading.endpoint.cwd, await fs.realpath(workspace));
    const [pool] = reading.snapshot.pools;
    assert.equal(pool.name, 'market');
    assert.equal(pool.database, 'market');
    assert.equal(pool.applicationName, 'market-api');
    assert.deepEqual([pool.max, pool.checkedOut, pool.waitingCount, pool.peakCheckedOut], [1, 1, 1, 1]);
    assert.equal(pool.checkouts.length, 1);
    const [checkout] = pool.checkouts;
    assert.equal(await fs.realpath(checkout.file!), await fs.realpath(path.join(workspace, 'src', 'routes', 'orders.js')));
    assert.equal(checkout.line, line);
    assert.equal(checkout.backendPid, backendPid);
  });

  it('is flagged as a forgotten release() by the server\'s view of its backend', async () => {
    const reading = await answer();
    const resolved = resolveDomains({ pools: [{ name: 'market', envPrefix: 'MARKET_DB_' }], env: Object.fromEntries(envFile(server).split('\n').map((l) => l.split('=') as [string, string])) });
    const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
    const monitor = new Monitor(configs, resolved.passwords);
    try {
      const warnMs = 100;
      const flag = await eventually('the backend to be idle for the threshold', async () => {
        const rows = await monitor.sessions(`${server.host}:${server.port}`, 'market', 'market-api');
        const fresh = (await readCompanions(workspace)).find((r): r is CompanionAnswer => r.ok) ?? reading;
        return checkoutFlag(fresh.snapshot.pools[0].checkouts[0], rows, warnMs);
      });
      assert.equal(flag.kind, 'release');
    } finally {
      await monitor.dispose();
    }
  });

  it('pool-lens inspect shows the app figures, the checkout line and that max is too small', async () => {
    await answer();
    let stdout = '';
    const code = await runInspect(['--format', 'json'], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: workspace, env: { HOME: workspace } });
    assert.equal(code, 0, stdout);
    const report = JSON.parse(stdout) as InspectReport;
    const market = report.servers[0].pools.find((p) => p.domain === 'market');
    const [app] = market?.app ?? [];
    assert.ok(app, JSON.stringify(market));
    assert.equal(app.pid, (await answer()).endpoint.pid);
    assert.deepEqual([app.checkedOut, app.waitingCount, app.peakCheckedOut, app.max], [1, 1, 1, 1]);
    const source = await fs.readFile(path.join(workspace, 'src', 'routes', 'orders.js'), 'utf8');
    const line = source.split('\n').findIndex((text) => text.includes('// the leaked checkout')) + 1;
    assert.equal(app.longCheckouts[0].place, `src/routes/orders.js:${line}`);
    assert.match(app.maxTooSmall ?? '', /1 caller is waiting for a client now while the server had \d+ spare connections: pool 'market' max 1 is too small/);
    assert.match(report.servers[0].sizing?.lines.join('\n') ?? '', /market: busiest instance seen using 1 of/);

    let text = '';
    await runInspect([], { stdout: (t) => (text += t), stderr: () => undefined, cwd: workspace, env: { HOME: workspace } });
    assert.match(text, new RegExp(`held {6}.+ at src/routes/orders\\.js:${line} \\(server pid ${backendPid}\\)`));
  });
});
