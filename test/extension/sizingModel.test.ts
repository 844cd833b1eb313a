import * as assert from 'node:assert/strict';
import { findPoolOptions } from '../../src/core/poolOptions';
import { answerCompute, parseWebviewMessage, prefillSizing } from '../../src/extension/sizingModel';
import type { DomainConfig } from '../../src/pg/domains';
import { domainOf, type DiscoveredPool } from '../../src/workspace/poolDiscovery';
import { counts, okServer, pool, snapshotOf } from './snapshots';

function codePool(text: string, file = 'src/db.ts'): DiscoveredPool {
  const [options] = findPoolOptions(`import { Pool } from 'pg';\n${text}`, `/app/${file}`);
  return { file, absolutePath: `/app/${file}`, line: 1, column: 1, options, domain: domainOf(options) };
}

function domain(name: string, envPrefix: string): DomainConfig {
  return {
    name,
    host: '127.0.0.1',
    port: 5432,
    database: name,
    user: 'app',
    tls: { mode: 'disable' },
    envPrefix,
    needsPassword: false,
    passwordSources: [],
    rootCertSetting: `${envPrefix}SSLROOTCERT`,
  };
}

describe('Sizing calculator data', () => {
  it('prefills each live server with its limits, one pool per domain, max from the code and sessions seen now', () => {
    const server = okServer(
      [
        pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 3 }) }),
        pool({ domain: 'market', database: 'market', applicationName: 'market-api', counts: counts({ active: 1 }) }),
      ],
      { domains: ['blog', 'market'], capacity: { maxConnections: 200, superuserReserved: 3, reserved: 2, usable: 195, used: 5 } },
    );
    const code = [
      codePool(`new Pool({ host: process.env.BLOG_DB_HOST, max: 25 })`),
      codePool(`new Pool({ host: process.env.MARKET_DB_HOST })`, 'src/market.ts'),
    ];
    const [prefill, ...rest] = prefillSizing(snapshotOf(server), [domain('blog', 'BLOG_DB_'), domain('market', 'MARKET_DB_')], code);
    assert.equal(rest.length, 0);
    assert.equal(prefill.key, '127.0.0.1:5432');
    assert.deepEqual(prefill.input, {
      maxConnections: 200,
      superuserReserved: 3,
      reserved: 2,
      headroom: 5,
      pools: [
        { name: 'blog', instances: 1, currentMax: 25, observedPeak: 3 },
        // No max in the code: node-postgres's default of 10 applies.
        { name: 'market', instances: 1, currentMax: 10, observedPeak: 1 },
      ],
    });
  });

  it('without a live server, offers PostgreSQL defaults and the pools found in the code', () => {
    const [prefill] = prefillSizing(undefined, [], [codePool(`new Pool({ user: process.env.CACHE_DB_USER, max: 4 })`)]);
    assert.equal(prefill.key, 'manual');
    assert.deepEqual(prefill.input.pools, [{ name: 'cache', instances: 1, currentMax: 4 }]);
    assert.equal(prefill.input.maxConnections, 100);
  });

  it('takes the observed peak from a running app\'s companion when there is one', () => {
    const server = okServer(
      [
        pool({ domain: 'blog', database: 'blog', applicationName: 'blog-api', counts: counts({ idle: 3 }) }),
        pool({ domain: 'market', database: 'market', applicationName: 'market-api', counts: counts({ active: 1 }) }),
      ],
      { domains: ['blog', 'market'] },
    );
    const blogApp = { name: 'blog', max: 10, totalCount: 2, idleCount: 2, waitingCount: 0, checkedOut: 0, peakCheckedOut: 8, peakWaiting: 0, checkoutsTotal: 90, checkouts: [] };
    const companion = {
      ok: true as const,
      file: '/app/.pool-lens/companion-4100.json',
      endpoint: { version: 1 as const, pid: 4100, host: '127.0.0.1' as const, port: 40_000, token: 'ab'.repeat(32), startedAt: '2026-11-22T11:00:00.000Z', cwd: '/app' },
      snapshot: { version: 1 as const, pid: 4100, takenAt: '2026-11-22T12:00:00.000Z', pools: [blogApp] },
    };
    const [prefill] = prefillSizing(snapshotOf(server), [domain('blog', 'BLOG_DB_'), domain('market', 'MARKET_DB_')], [], [companion]);
    assert.deepEqual(
      prefill.input.pools.map((p) => [p.name, p.observedPeak]),
      [
        ['blog', 8],
        ['market', 1],
      ],
    );
  });

  it('answers a compute message with core/sizing\'s recommendation, and a bad input with its one sentence', () => {
    const message = parseWebviewMessage({
      type: 'compute',
      key: 'db:5432',
      input: { maxConnections: 100, superuserReserved: 3, reserved: 0, headroom: 5, cores: 4, pools: [{ name: 'blog', instances: 2, share: 3 }, { name: 'market', instances: 1 }] },
    });
    assert.ok(message?.type === 'compute');
    const answer = answerCompute(message.key, message.input);
    assert.equal(answer.type, 'result');
    if (answer.type !== 'result') return;
    // ⌊73.6 × ¾ ÷ 2⌋ = 27 and ⌊73.6 × ¼ ÷ 1⌋ = 18.
    assert.deepEqual(answer.result.recommendations.map((r) => [r.name, r.max]), [['blog', 27], ['market', 18]]);

    const invalid = parseWebviewMessage({ type: 'compute', key: 'db:5432', input: { maxConnections: 100, pools: [{ name: 'blog', instances: 0 }] } });
    assert.ok(invalid?.type === 'compute');
    assert.deepEqual(answerCompute(invalid.key, invalid.input), { type: 'invalid', key: 'db:5432', message: "instances of pool 'blog' must be a whole number of at least 1, not 0." });
  });

  it('rejects messages the page does not send', () => {
    assert.equal(parseWebviewMessage('compute'), undefined);
    assert.equal(parseWebviewMessage({ type: 'run', command: 'rm -rf' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'compute', key: 'x', input: { pools: 'all' } }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  });

  it('treats a cleared field as "not a number", which the sizing rejects in words', () => {
    const message = parseWebviewMessage({ type: 'compute', key: 'k', input: { maxConnections: null, pools: [{ name: 'a', instances: 1 }] } });
    assert.ok(message?.type === 'compute');
    const answer = answerCompute(message.key, message.input);
    assert.equal(answer.type, 'invalid');
    assert.match(answer.type === 'invalid' ? answer.message : '', /^max_connections must be a whole number/);
  });
});
