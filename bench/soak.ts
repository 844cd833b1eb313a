import { Monitor } from '../src/pg/monitor';
import { DEFAULT_POLL_INTERVAL_MS, Poller } from '../src/pg/poller';
import type { Snapshot } from '../src/pg/model';
import { PoolsTreeModel, type PoolsNode } from '../src/extension/poolsTreeModel';
import { BIG_GROUP, Crowd, expectedGroups } from '../test/pg/crowd';
import { monitorConnectionCount } from '../test/pg/fixtures';
import type { Figure } from './figure';
import { fixed, MB, median, percentile, table } from './stats';

/** `POOL_LENS_SOAK_MINUTES` (default 10) and `POOL_LENS_SOAK_SESSIONS` (default 1000) shorten a trial run. */
const MINUTES = positive(process.env.POOL_LENS_SOAK_MINUTES, 10);
const SESSIONS = Math.round(positive(process.env.POOL_LENS_SOAK_SESSIONS, 1000));
const THRESHOLDS = { idleInTransactionWarnMs: 60_000, longQueryWarnMs: 30_000, idleCheckoutWarnMs: 15_000 };

interface Checkpoint {
  minute: number;
  refreshes: number;
  heapMb: number;
  rssMb: number;
  monitorConnections: number;
  refreshMsP50: number;
  refreshMsP95: number;
}

/**
 * Soak: the monitor polled by the Poller at the editor's default interval for `MINUTES` minutes against
 * `SESSIONS` application sessions, every snapshot handed to the Pools tree model (all nodes and their
 * views built, as the view does when everything is expanded) and the biggest group's sessions loaded
 * and paged once a minute. Heap (after two full collections) and RSS at the start, every minute and at
 * the end; statements the server saw from the monitor per refresh (pg_stat_statements).
 */
export const soak: Figure = async () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('the soak figure needs node --expose-gc (npm run bench passes it).');
  const crowd = await Crowd.start(SESSIONS);
  let monitor: Monitor | undefined;
  let poller: Poller | undefined;
  try {
    const grown = await crowd.grow(SESSIONS);
    const { configs, passwords } = crowd.domains();
    monitor = new Monitor(configs, passwords);
    const model = new PoolsTreeModel({ snapshot: undefined, problems: [], thresholds: THRESHOLDS });
    const refreshMs: number[] = [];
    let refreshes = 0;
    let started = 0;
    let pending: Promise<Snapshot> | undefined;
    let failures = 0;
    let lastStarted = performance.now();
    let latest: Snapshot | undefined;
    const timed: Monitor = monitor;
    const source = {
      snapshot: () => {
        lastStarted = performance.now();
        started++;
        pending = timed.snapshot();
        return pending;
      },
    };
    poller = new Poller(source, {
      intervalMs: DEFAULT_POLL_INTERVAL_MS,
      onSnapshot: (snapshot) => {
        refreshMs.push(performance.now() - lastStarted);
        refreshes++;
        if (snapshot.servers.some((server) => server.status !== 'ok')) failures++;
        latest = snapshot;
        model.update({ snapshot, problems: [], thresholds: THRESHOLDS });
        walk(model);
      },
      onError: () => failures++,
    });

    const measure = async (minute: number): Promise<Checkpoint> => {
      collect();
      collect();
      const usage = process.memoryUsage();
      const window = refreshMs.splice(0);
      const point: Checkpoint = {
        minute,
        refreshes,
        heapMb: usage.heapUsed / MB,
        rssMb: usage.rss / MB,
        monitorConnections: await monitorConnectionCount(crowd.server),
        refreshMsP50: window.length > 0 ? median(window) : NaN,
        refreshMsP95: window.length > 0 ? percentile(window, 95) : NaN,
      };
      process.stdout.write(
        `soak: minute ${minute}: ${refreshes} refreshes, heap ${fixed(point.heapMb, 2)} MB, RSS ${fixed(point.rssMb)} MB, ` +
          `monitor connections ${point.monitorConnections}, refresh p50 ${fixed(point.refreshMsP50)} ms\n`,
      );
      return point;
    };

    await crowd.resetStatements();
    const checkpoints: Checkpoint[] = [];
    poller.start();
    await until(() => refreshes >= 1);
    checkpoints.push(await measure(0));
    let pagedRows = 0;
    for (let minute = 1; minute <= Math.ceil(MINUTES); minute++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1, MINUTES - minute + 1) * 60_000));
      pagedRows = await pageBigGroup(monitor, model, latest);
      checkpoints.push(await measure(Math.min(minute, MINUTES)));
    }
    poller.dispose();
    // A refresh that had started when the poller stopped still reaches the server; wait for it.
    await pending?.catch(() => undefined);
    const statements = await crowd.statementsFromOthers();
    const sent = statements.reduce((sum, s) => sum + s.calls, 0);

    const first = checkpoints[1] ?? checkpoints[0];
    const last = checkpoints[checkpoints.length - 1];
    const rows = checkpoints.map((c) => [
      c.minute === 0 ? 'start (after the first refresh)' : `minute ${fixed(c.minute, c.minute % 1 === 0 ? 0 : 1)}`,
      c.refreshes.toLocaleString('en'),
      fixed(c.heapMb, 2),
      fixed(c.rssMb),
      String(c.monitorConnections),
      Number.isNaN(c.refreshMsP50) ? '' : `${fixed(c.refreshMsP50)} / ${fixed(c.refreshMsP95)}`,
    ]);
    rows.push(['growth from minute 1 to the end', '', fixed(last.heapMb - first.heapMb, 2), fixed(last.rssMb - first.rssMb), '', '']);
    const markdown = [
      `${grown.open.toLocaleString('en')} application sessions${grown.refusal ? ` (asked for ${SESSIONS}; the server or machine refused more: ${grown.refusal})` : ''} on one embedded`,
      `PostgreSQL (max_connections = ${SESSIONS + 20}) in three domain databases (blog, market, reports) under ${expectedGroups(grown.open).size} application`,
      'names, 70 % idle, 15 % idle in transaction, 15 % running `pg_sleep`; one group (`' + BIG_GROUP + '`) holds two fifths of them.',
      `The Poller refreshed every ${DEFAULT_POLL_INTERVAL_MS} ms (the editor's default) for ${MINUTES} minutes; each snapshot went`,
      'through the Pools tree model (every node and its view built), and once a minute the big group\'s sessions',
      `were loaded (${pagedRows} rows) and paged 100 at a time. Heap after two full collections and RSS, in MB, in this one process.`,
      `Statements the server recorded from anyone but the superuser (pg_stat_statements) during the run: ${sent} for ${started} refreshes started and ${Math.ceil(MINUTES)} session loads`,
      `(${statements.map((s) => `${s.calls} × ${s.what}`).join(', ')}); refreshes that did not report every server ok: ${failures}.`,
      '',
      table(['checkpoint', 'refreshes', 'heap MB', 'RSS MB', 'monitor connections', 'refresh ms (p50 / p95 since the last row)'], rows),
    ].join('\n');
    return { title: `Soak: ${MINUTES} minutes of refreshes against ${grown.open.toLocaleString('en')} sessions`, markdown, data: { grown, checkpoints, statements, refreshes, started, failures } };
  } finally {
    poller?.dispose();
    await monitor?.dispose();
    await crowd.stop();
  }
};

/** Builds every node and its view, as a fully expanded Pools view would (sessions are loaded separately). */
function walk(model: PoolsTreeModel): number {
  let nodes = 0;
  const visit = (node: PoolsNode) => {
    nodes++;
    model.view(node);
    if (node.kind === 'server') model.serverChildren(node.key).forEach(visit);
    else if (node.kind === 'pool') model.poolChildren(node).forEach(visit);
  };
  model.roots().forEach(visit);
  return nodes;
}

/** Loads the big group's sessions and pages through them as "Show more" would; returns the row count. */
async function pageBigGroup(monitor: Monitor, model: PoolsTreeModel, snapshot: Snapshot | undefined): Promise<number> {
  const server = snapshot?.servers[0];
  if (!server || server.status !== 'ok') return 0;
  const rows = await monitor.sessions(server.key, 'blog', BIG_GROUP);
  for (const node of model.serverChildren(server.key)) {
    if (node.kind !== 'pool' || node.activity?.applicationName !== BIG_GROUP) continue;
    for (const bucket of model.poolChildren(node)) {
      if (bucket.kind !== 'bucket') continue;
      for (let pages = 1; ; pages++) {
        const children = model.bucketChildren(bucket, rows, pages);
        children.forEach((child) => model.view(child));
        if (!children.some((child) => child.kind === 'more')) break;
      }
    }
  }
  return rows.length;
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 50));
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
