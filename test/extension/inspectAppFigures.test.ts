import * as assert from 'node:assert/strict';
import { formatReportText } from '../../src/cli/inspectText';
import { renderInspectMarkdown } from '../../src/extension/inspectMarkdown';
import type { Thresholds } from '../../src/extension/poolsTreeModel';
import { resolveDomains } from '../../src/pg/domains';
import { buildReport, type InspectReport } from '../../src/pg/inspectReport';
import type { ServerSnapshot } from '../../src/pg/model';
import type { AppPoolSnapshot } from '../../src/runtime/protocol';
import type { CompanionReading } from '../../src/workspace/companions';
import { counts, okServer, pool, snapshotOf } from './snapshots';

const thresholds: Thresholds = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };

function configs() {
  const resolved = resolveDomains({
    pools: [{ name: 'market', envPrefix: 'MARKET_DB_' }],
    env: { MARKET_DB_HOST: '127.0.0.1', MARKET_DB_NAME: 'market', MARKET_DB_USER: 'market_app' },
  });
  return resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
}

function appPool(partial: Partial<AppPoolSnapshot>): AppPoolSnapshot {
  return { name: 'market', max: 4, totalCount: 4, idleCount: 0, waitingCount: 0, checkedOut: 4, peakCheckedOut: 4, peakWaiting: 0, checkoutsTotal: 310, checkouts: [], ...partial };
}

function companion(pools: AppPoolSnapshot[]): CompanionReading {
  return {
    ok: true,
    file: '/work/shop/.pool-lens/companion-4100.json',
    endpoint: { version: 1, pid: 4100, host: '127.0.0.1', port: 40_000, token: 'ab'.repeat(32), startedAt: '2026-11-22T11:00:00.000Z', cwd: '/work/shop' },
    snapshot: { version: 1, pid: 4100, takenAt: '2026-11-22T12:00:00.000Z', pools },
  };
}

/** The market pool with 5 sessions on a server of 97 usable slots (6 used with the monitor's). */
function server(): ServerSnapshot {
  return okServer([pool({ domain: 'market', database: 'market', applicationName: 'market-api', user: 'market_app', counts: counts({ active: 2, idle: 3 }) })], { domains: ['market'] });
}

function report(companions: CompanionReading[] | undefined, live = server()): InspectReport {
  return buildReport({
    source: 'settings',
    snapshot: snapshotOf(live),
    resolutions: [],
    configs: configs(),
    discovered: [],
    instances: () => 1,
    headroom: undefined,
    cores: undefined,
    staleAfterMs: thresholds.idleCheckoutWarnMs,
    warnings: [],
    ...(companions ? { companions } : {}),
    checkoutWarnMs: 10_000,
  });
}

function markdown(r: InspectReport): string {
  return renderInspectMarkdown({ report: r, discovered: [], thresholds, takenAt: Date.UTC(2026, 10, 22, 12), instances: () => 1, fileLink: (file, line) => `file://${file}#L${line}` });
}

describe('Inspect Pools: the app-side figures from runtime companions', () => {
  it('adds nothing without a companion', () => {
    const r = report(undefined);
    assert.equal(r.servers[0].pools[0].app, undefined);
    assert.doesNotMatch(markdown(r), /In the running app/);
    assert.doesNotMatch(formatReportText(r), /app {7}process/);
  });

  it('shows the app counters, peak and the checkouts held too long with their lines', () => {
    const checkouts = [
      { id: 12, acquiredAt: '2026-11-22T11:58:00.000Z', ageMs: 120_000, backendPid: 777, file: '/work/shop/src/routes/orders.ts', line: 17, column: 30, stack: [] },
      { id: 13, acquiredAt: '2026-11-22T11:59:58.000Z', ageMs: 2_000, stack: [] },
    ];
    const r = report([companion([appPool({ checkedOut: 2, idleCount: 1, totalCount: 3, peakCheckedOut: 3, checkouts })])]);
    const [app] = r.servers[0].pools[0].app ?? [];
    assert.deepEqual(app.longCheckouts, [{ id: 12, ageMs: 120_000, backendPid: 777, file: '/work/shop/src/routes/orders.ts', line: 17, column: 30, place: 'src/routes/orders.ts:17' }]);
    assert.equal(app.maxTooSmall, undefined);
    const text = markdown(r);
    assert.match(text, /\*\*market\*\* in process 4100: 2 checked out · 1 idle · 0 waiting · 3 open of max 4; peak 3 checked out and 0 waiting at once, 310 checkouts so far\./);
    assert.match(text, /⚠ held for 2 min, taken at \[src\/routes\/orders\.ts:17\]\(file:\/\/\/work\/shop\/src\/routes\/orders\.ts#L17\) \(server pid 777\)/);
    assert.match(formatReportText(r), /held {6}2 min 0 s at src\/routes\/orders\.ts:17 \(server pid 777\)/);
  });

  it('says the max is too small when callers wait while the server has spare connections', () => {
    const now = report([companion([appPool({ waitingCount: 3, peakWaiting: 5 })])]);
    assert.equal(
      now.servers[0].pools[0].app?.[0].maxTooSmall,
      "In process 4100, 3 callers are waiting for a client now while the server had 91 spare connections: pool 'market' max 4 is too small for its load.",
    );
    const earlier = report([companion([appPool({ waitingCount: 0, peakWaiting: 1 })])]);
    assert.match(earlier.servers[0].pools[0].app?.[0].maxTooSmall ?? '', /up to 1 caller waited for a client at once while the server had 91 spare connections/);
    assert.match(markdown(now), /⚠ In process 4100, 3 callers are waiting/);
    assert.match(formatReportText(now), /warning {3}In process 4100/);
  });

  it('does not blame the max when the server is full', () => {
    const full = server();
    full.capacity = { ...full.capacity!, used: full.capacity!.usable };
    assert.equal(report([companion([appPool({ waitingCount: 3, peakWaiting: 5 })])], full).servers[0].pools[0].app?.[0].maxTooSmall, undefined);
  });

  it('sizes with the observed peak of checked-out clients instead of the sessions seen now', () => {
    const withoutApp = report(undefined).servers[0].sizing?.lines.join('\n') ?? '';
    assert.match(withoutApp, /market: busiest instance seen using 5 of/);
    const withApp = report([companion([appPool({ peakCheckedOut: 9 })])]).servers[0].sizing?.lines.join('\n') ?? '';
    assert.match(withApp, /market: busiest instance seen using 9 of/);
  });

  it('matches an app pool by database and application_name when its name is not the domain', () => {
    const r = report([companion([appPool({ name: 'pool-1', database: 'market', applicationName: 'market-api' }), appPool({ name: 'pool-2', database: 'market', applicationName: 'billing' })])]);
    assert.deepEqual(r.servers[0].pools[0].app?.map((app) => app.name), ['pool-1']);
  });
});
