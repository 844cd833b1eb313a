import * as assert from 'node:assert/strict';
import { buildReport } from '../../src/pg/inspectReport';
import { findPoolOptions } from '../../src/core/poolOptions';
import { renderInspectMarkdown } from '../../src/extension/inspectMarkdown';
import type { Thresholds } from '../../src/extension/poolsTreeModel';
import { resolveDomains } from '../../src/pg/domains';
import type { ServerSnapshot } from '../../src/pg/model';
import { domainOf, type DiscoveredPool } from '../../src/workspace/poolDiscovery';
import { counts, okServer, pool, snapshotOf } from './snapshots';

const CODE = `import { Pool } from 'pg';

export const blog = new Pool({
  host: process.env.BLOG_DB_HOST,
  database: process.env.BLOG_DB_NAME,
  password: process.env.BLOG_DB_PASSWORD,
  application_name: 'blog-api',
  max: 20,
  idleTimeoutMillis: 10000,
});

export const market = new Pool({
  host: process.env.MARKET_DB_HOST,
  database: process.env.MARKET_DB_NAME,
  application_name: 'market-api',
  max: Number(process.env.MARKET_DB_MAX),
  connectionTimeoutMillis: 2000,
});
`;

const PASSWORD = 'blog-secret-in-env';
const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };

function discovered(): DiscoveredPool[] {
  const lines = CODE.split('\n');
  return findPoolOptions(CODE, '/work/app/src/db.ts').map((options) => {
    const line = CODE.slice(0, options.range[0]).split('\n').length;
    return { file: 'src/db.ts', absolutePath: '/work/app/src/db.ts', line, column: lines[line - 1].indexOf('new Pool') + 1, options, domain: domainOf(options) };
  });
}

function configs() {
  const resolved = resolveDomains({
    pools: [
      { name: 'blog', envPrefix: 'BLOG_DB_' },
      { name: 'market', envPrefix: 'MARKET_DB_' },
    ],
    env: {
      BLOG_DB_HOST: '127.0.0.1',
      BLOG_DB_NAME: 'blog',
      BLOG_DB_USER: 'blog_app',
      BLOG_DB_PASSWORD: PASSWORD,
      MARKET_DB_HOST: '127.0.0.1',
      MARKET_DB_NAME: 'market',
      MARKET_DB_USER: 'market_app',
    },
  });
  return resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
}

function render(server: ServerSnapshot, instances: Record<string, number> = {}): string {
  const code = discovered();
  const report = buildReport({
    source: 'settings',
    snapshot: snapshotOf(server),
    resolutions: [],
    configs: configs(),
    discovered: code,
    instances: (domain) => instances[domain] ?? 1,
    headroom: undefined,
    cores: undefined,
    staleAfterMs: thresholds.idleCheckoutWarnMs,
    warnings: [],
  });
  return renderInspectMarkdown({
    report,
    discovered: code,
    thresholds,
    takenAt: Date.UTC(2026, 10, 22, 12, 0, 0),
    instances: (domain) => instances[domain] ?? 1,
    link: (p) => `file://${p.absolutePath}#L${p.line}`,
  });
}

function liveServer(): ServerSnapshot {
  return okServer(
    [
      pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', user: 'blog_app', counts: counts({ active: 1, idle: 3, idleStale: 1 }), longestIdleMs: 40_000 }),
      pool({
        domain: 'market',
        database: 'market',
        applicationName: 'market-api',
        user: 'market_app',
        counts: counts({ idle: 1, idleInTransaction: 1 }),
        oldestIdleInTransactionMs: 95_000,
        oldestIdleInTransactionPid: 4321,
      }),
    ],
    { domains: ['blog', 'market'] },
  );
}

function tableRow(markdown: string, pool: string): string {
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${pool} |`));
  assert.ok(row, `no table row for ${pool} in:\n${markdown}`);
  return row;
}

describe('Inspect Pools report (Markdown)', () => {
  it('shows each server with its connections in use (the monitor\'s own included) against what is usable', () => {
    const markdown = render(liveServer());
    assert.match(markdown, /^## 127\.0\.0\.1:5432 · PostgreSQL 18\.0$/m);
    assert.match(markdown, /\*\*7 of 97 usable connections in use\*\* \(7%; usable = max_connections 100 − superuser_reserved_connections 3 − reserved_connections 0\)/);
  });

  it('recommends a max per pool that fits the budget: 80% of (97 − 5 headroom) shared by two pools, one instance each', () => {
    const markdown = render(liveServer());
    // ⌊92 × 0.8 × ½ ÷ 1⌋ = 36 for each pool.
    assert.match(tableRow(markdown, 'blog'), /\| \*\*36\*\* \|$/);
    assert.match(tableRow(markdown, 'market'), /\| \*\*36\*\* \|$/);
    assert.match(markdown, /- \*\*blog\*\*: set `max: 36` in \[src\/db\.ts:3\]\(file:\/\/\/work\/app\/src\/db\.ts#L3\), now 20 \(1 instance running it\)\./);
    assert.match(markdown, /- \*\*market\*\*: set `max: 36` in .*, now computed at run time/);
    assert.match(markdown, /### Sizing arithmetic\n\n```text\nusable = max_connections 100/);
  });

  it('divides by the instances the settings name', () => {
    const markdown = render(liveServer(), { blog: 4 });
    // blog: ⌊73.6 × ½ ÷ 4⌋ = 9.
    assert.match(tableRow(markdown, 'blog'), /\| \*\*9\*\* \|$/);
    assert.match(markdown, /set `max: 9` in .* \(4 instances running it\)/);
  });

  it('lists each pool in the code with its file, line, max, timeouts and application_name', () => {
    const markdown = render(liveServer());
    assert.match(
      markdown,
      /\*\*blog\*\*: \[src\/db\.ts:3\]\(file:\/\/\/work\/app\/src\/db\.ts#L3\) · max 20 · idleTimeoutMillis 10000 · connectionTimeoutMillis not set \(waits forever\) · application_name 'blog-api'/,
    );
    assert.match(markdown, /\*\*market\*\*: .*· max `Number\(process\.env\.MARKET_DB_MAX\)` \(computed at run time\) · idleTimeoutMillis not set \(pg default 10000\) · connectionTimeoutMillis 2000/);
  });

  it('calls out the leaks seen now with the thresholds of the Pools view', () => {
    const markdown = render(liveServer());
    assert.match(tableRow(markdown, 'market'), /⚠ 1 session idle in transaction, the oldest for 1 min 35 s \(pid 4321\)\./);
    assert.match(tableRow(markdown, 'blog'), /⚠ 1 session idle for over 15 s: a checkout never released\?/);
    assert.match(tableRow(markdown, 'blog'), /\| 4 \(4% of usable\): 1 active, 3 idle \|/);
  });

  it('never contains a password, even one the environment supplied', () => {
    const markdown = render(liveServer());
    assert.ok(!markdown.includes(PASSWORD), 'the report must not contain the password');
  });

  it('says why a server could not be inspected, and still lists its pools in the code', () => {
    const markdown = render({
      key: '127.0.0.1:5432',
      host: '127.0.0.1',
      port: 5432,
      domains: ['blog', 'market'],
      status: 'error',
      error: 'Cannot connect to 127.0.0.1:5432 because the connection was refused: is PostgreSQL running and listening on that port?',
      errorKind: 'refused',
      databases: [],
    });
    assert.match(markdown, /\*\*Not reachable:\*\* Cannot connect to 127\.0\.0\.1:5432 because the connection was refused/);
    assert.match(markdown, /- blog: \[src\/db\.ts:3\]/);
    assert.doesNotMatch(markdown, /Recommended max/);
  });

  it('keeps table cells intact when a name contains Markdown', () => {
    const server = liveServer();
    server.databases.push({ name: 'odd', domains: [], pools: [pool({ database: 'odd', applicationName: 'a|b *c*', counts: counts({ idle: 1 }) })] });
    const row = tableRow(render(server), '(not configured)');
    assert.equal(row.split(/(?<!\\)\|/).length, 9, `a row of 7 cells: ${row}`);
    assert.match(row, /a\\\|b \\\*c\\\*/);
  });
});
