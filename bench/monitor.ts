import pg from 'pg';
import { ACTIVITY_SNAPSHOT, MONITOR_APPLICATION_NAME } from '../src/pg/queries';
import { MONITOR_DEFAULTS } from '../src/pg/monitor';
import { monitorConnectionCount, ROLES } from '../test/pg/fixtures';
import { BenchServer, MAX_CONNECTIONS } from './backends';
import { verdict, type Figure } from './figure';
import { fixed, median, percentile, table } from './stats';

const LEVELS = [10, 100, 500];
const RUNS = 30;

/**
 * Monitor cost: server time of one refresh query (EXPLAIN ANALYZE of ACTIVITY_SNAPSHOT, planning +
 * execution, run as the monitor's role) and the client round trip of one `Monitor.snapshot()` (query,
 * transfer, parsing into the model), at 10, 100 and 500 application backends, and the connections
 * the monitor holds.
 */
export const monitor: Figure = async () => {
  const bench = await BenchServer.start();
  const watcher = bench.monitor();
  const explainer = new pg.Client({
    host: bench.server.host,
    port: bench.server.port,
    database: 'blog',
    user: ROLES.blog.user,
    password: ROLES.blog.password,
    application_name: 'pool-lens-bench-explain',
  });
  await explainer.connect();
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const level of LEVELS) {
      await bench.grow(level);
      const warm = await watcher.snapshot();
      if (warm.servers[0]?.status !== 'ok') throw new Error(`the monitor could not refresh: ${warm.servers[0]?.error}`);
      const serverMs: number[] = [];
      const roundTripMs: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const result = await explainer.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${ACTIVITY_SNAPSHOT}`, [MONITOR_DEFAULTS.staleIdleMs, MONITOR_APPLICATION_NAME]);
        const [plan] = result.rows[0]['QUERY PLAN'] as Array<{ 'Planning Time': number; 'Execution Time': number }>;
        serverMs.push(plan['Planning Time'] + plan['Execution Time']);
        const start = performance.now();
        await watcher.snapshot();
        roundTripMs.push(performance.now() - start);
      }
      const held = await monitorConnectionCount(bench.server);
      const [{ n: open }] = await bench.server.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'bench-app-%'`);
      data[level] = { serverMs, roundTripMs, held, open };
      rows.push([
        `${level} (${open} seen by the server)`,
        `${fixed(median(serverMs), 2)} / ${fixed(percentile(serverMs, 95), 2)}`,
        `${fixed(median(roundTripMs), 2)} / ${fixed(percentile(roundTripMs, 95), 2)}`,
        String(held),
        level === 500 ? verdict(median(serverMs) < 5) : '',
      ]);
    }
  } finally {
    await explainer.end().catch(() => undefined);
    await watcher.dispose();
    await bench.stop();
  }
  const markdown = [
    `Embedded PostgreSQL on 127.0.0.1 with max_connections = ${MAX_CONNECTIONS}; application backends in the blog and`,
    'market databases: 70 % idle, 15 % idle in transaction, 15 % running `pg_sleep`, under 14 application names.',
    `Median / p95 of ${RUNS} refreshes per level. Server time is planning + execution from EXPLAIN (ANALYZE) of the`,
    'refresh query, run as the monitor\'s role; the round trip is one `Monitor.snapshot()` as the Pools view calls it.',
    '',
    table(['backends', 'server ms (p50 / p95)', 'round trip ms (p50 / p95)', 'monitor connections', 'target < 5 ms at 500'], rows),
  ].join('\n');
  return { title: 'Monitor cost', markdown, data };
};
