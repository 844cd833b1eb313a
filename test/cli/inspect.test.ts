import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type pg from 'pg';
import { runInspect } from '../../src/cli/inspect';
import type { InspectReport } from '../../src/pg/inspectReport';
import { appPool, checkout, createDomainDatabases, ROLES } from '../pg/fixtures';
import { startServer, type TestServer } from '../pg/server';

const APP_JS = `const { Pool } = require('pg');

const blog = new Pool({
  host: process.env.BLOG_DB_HOST,
  port: Number(process.env.BLOG_DB_PORT),
  database: process.env.BLOG_DB_NAME,
  user: process.env.BLOG_DB_USER,
  password: process.env.BLOG_DB_PASSWORD,
  application_name: 'blog-api',
  max: 20,
});

const market = new Pool({
  host: process.env.MARKET_DB_HOST,
  port: Number(process.env.MARKET_DB_PORT),
  database: process.env.MARKET_DB_NAME,
  user: process.env.MARKET_DB_USER,
  password: process.env.MARKET_DB_PASSWORD,
  application_name: 'market-api',
});

module.exports = { blog, market };
`;

const SETTINGS_JSON = `{
  // The two domain pools of this app; passwords live in .env.
  "poolLens.pools": [
    { "name": "blog", "envPrefix": "BLOG_DB_" },
    { "name": "market", "envPrefix": "MARKET_DB_" }, /* trailing comma, as VS Code allows */
  ],
  "poolLens.sizing.instances": { "blog": 2 },
}`;

function envFile(server: TestServer): string {
  return [
    '# local development',
    `BLOG_DB_HOST=${server.host}`,
    `BLOG_DB_PORT=${server.port}`,
    'BLOG_DB_NAME=blog',
    `BLOG_DB_USER=${ROLES.blog.user}`,
    `BLOG_DB_PASSWORD="${ROLES.blog.password}"`,
    'BLOG_DB_SSLMODE=disable',
    `export MARKET_DB_HOST=${server.host}`,
    `MARKET_DB_PORT=${server.port}`,
    'MARKET_DB_NAME=market',
    `MARKET_DB_USER=${ROLES.market.user}`,
    `MARKET_DB_PASSWORD='${ROLES.market.password}'`,
    'MARKET_DB_SSLMODE=disable',
  ].join('\n');
}

const PASSWORDS = [ROLES.blog.password, ROLES.market.password, ROLES.plainMonitor.password, ROLES.statsMonitor.password, 'test-superuser-secret'];

async function inspect(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  // An empty environment: everything must come from the folder, as on a fresh machine.
  const code = await runInspect(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: { HOME: cwd } });
  for (const secret of PASSWORDS) {
    assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `a password was printed:\n${stdout}${stderr}`);
  }
  return { code, stdout, stderr };
}

describe('pool-lens inspect against a real server', function () {
  this.timeout(60_000);
  let server: TestServer;
  let folder: string;
  let blogPool: pg.Pool;
  let marketPool: pg.Pool;
  let held: pg.PoolClient[] = [];

  before(async () => {
    server = await startServer();
    await createDomainDatabases(server);
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-inspect-'));
    await fs.mkdir(path.join(folder, '.vscode'));
    await fs.mkdir(path.join(folder, 'src'));
    await fs.writeFile(path.join(folder, '.vscode', 'settings.json'), SETTINGS_JSON);
    await fs.writeFile(path.join(folder, '.env'), envFile(server));
    await fs.writeFile(path.join(folder, 'src', 'app.js'), APP_JS);
    // The app's sessions: blog has one session left idle in a transaction, market one idle client.
    blogPool = appPool(server, 'blog', 'blog-api');
    marketPool = appPool(server, 'market', 'market-api');
    const tx = await checkout(blogPool);
    await tx.client.query('BEGIN');
    held = [tx.client];
    await marketPool.query('SELECT 1');
  });

  after(async () => {
    for (const client of held) client.release(true);
    await blogPool?.end();
    await marketPool?.end();
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  it('reports both pools under one server as JSON', async () => {
    const { code, stdout, stderr } = await inspect(folder, '--format', 'json');
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as InspectReport;
    assert.equal(report.source, 'settings');
    assert.equal(report.servers.length, 1);
    const [only] = report.servers;
    assert.equal(only.key, `127.0.0.1:${server.port}`);
    assert.equal(only.status, 'ok');
    // 1 blog + 1 market session + the monitor; usable 60 − 3 superuser-reserved − 0 reserved = 57.
    assert.deepEqual(only.capacity, { maxConnections: 60, superuserReserved: 3, reserved: 0, usable: 57, used: 3 });
    const pools = Object.fromEntries(only.pools.map((p) => [p.domain, p]));
    assert.deepEqual(Object.keys(pools), ['blog', 'market']);
    assert.equal(pools.blog.applicationName, 'blog-api');
    assert.equal(pools.blog.counts.idleInTransaction, 1);
    assert.equal(pools.blog.leaks.idleInTransaction, 1);
    assert.deepEqual(pools.blog.code, [{ file: 'src/app.js', line: 3, column: 14, max: 20 }]);
    assert.equal(pools.market.counts.idle, 1);
    // max absent in the code: node-postgres's default of 10.
    assert.deepEqual(pools.market.code, [{ file: 'src/app.js', line: 13, column: 16, max: 10 }]);
    // usable 60 − 3 − 0 − 5 = 52; 80% = 41.6; blog 41.6 × ½ ÷ 2 instances = 10.4 → 10; market 41.6 × ½ ÷ 1 = 20.8 → 20.
    assert.equal(pools.blog.recommendedMax, 10);
    assert.equal(pools.market.recommendedMax, 20);
    assert.deepEqual(report.domainErrors, []);
  });

  it('reports the same as text, with used/usable and the leak', async () => {
    const { code, stdout } = await inspect(folder);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^127\\.0\\.0\\.1:${server.port}  PostgreSQL \\S+  3 of 57 usable connections in use`, 'm'));
    assert.match(stdout, /^ {2}blog {2}database blog {2}app blog-api {2}user blog_app$/m);
    assert.match(stdout, /^ {4}leaks now 1 idle in transaction \(oldest transaction open [^)]+, pid \d+\): COMMIT or ROLLBACK missing\?$/m);
    assert.match(stdout, /^ {4}code {6}src\/app\.js:3 \(max 20\)$/m);
    assert.match(stdout, /^ {4}max {7}recommended 10$/m);
    assert.match(stdout, /^ {4}blog: 41\.6 × 50% ÷ 2 instances = 10\.4 → max 10$/m);
  });

  it('finds the domains in the code when poolLens.pools is empty', async () => {
    const bare = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-inspect-code-'));
    try {
      await fs.writeFile(path.join(bare, '.env'), envFile(server));
      await fs.writeFile(path.join(bare, 'app.js'), APP_JS);
      const { code, stdout } = await inspect(bare, '--format=json');
      assert.equal(code, 0);
      const report = JSON.parse(stdout) as InspectReport;
      assert.equal(report.source, 'code');
      assert.deepEqual(report.servers[0].pools.filter((p) => p.domain).map((p) => p.domain), ['blog', 'market']);
    } finally {
      await fs.rm(bare, { recursive: true, force: true });
    }
  });

  it('exits 1 with one sentence per failing server or pool, and no password', async () => {
    const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-inspect-bad-'));
    try {
      await fs.writeFile(path.join(broken, '.env'), envFile(server).replace(`BLOG_DB_PASSWORD="${ROLES.blog.password}"`, 'BLOG_DB_PASSWORD=wrong-one').replace(/^export MARKET_DB_HOST=.*$/m, ''));
      await fs.writeFile(path.join(broken, 'settings.json'), SETTINGS_JSON);
      const { code, stdout } = await inspect(broken, '--config', 'settings.json');
      assert.equal(code, 1);
      assert.match(stdout, /unavailable: 127\.0\.0\.1:\d+ rejected the password for user 'blog_app'/);
      assert.ok(!stdout.includes('wrong-one'));
      assert.match(stdout, /^error: Pool 'market': MARKET_DB_HOST is not set in the environment or \.env\.$/m);
    } finally {
      await fs.rm(broken, { recursive: true, force: true });
    }
  });

  it('bad usage and unreadable settings exit 2 with one line', async () => {
    for (const argv of [['--format', 'xml'], ['--config'], ['--config', 'missing.json'], ['--verbose']]) {
      const { code, stdout, stderr } = await inspect(folder, ...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^pool-lens inspect: [^\n]+\n$/);
    }
  });
});
