import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { instrument } from '../src/runtime/index';
import { startServer } from '../test/pg/server';
import { verdict, type Figure } from './figure';
import { fixed, median, table } from './stats';

const ROUNDS = 9;
const CHECKOUTS = 20_000;
const QUERIES = 2_000;
const CONTENDED = 10_000;
/** Instrumented throughput may be at most 5 % below the plain pool's. */
const TARGET_RATIO = 0.95;

interface Workload {
  label: string;
  operations: number;
  run(pool: pg.Pool, operations: number): Promise<void>;
}

const WORKLOADS: Workload[] = [
  {
    label: '`connect()` + `release()`, one caller',
    operations: CHECKOUTS,
    async run(pool, operations) {
      for (let i = 0; i < operations; i++) (await pool.connect()).release();
    },
  },
  {
    label: "`pool.query('SELECT 1')`, one caller",
    operations: QUERIES,
    async run(pool, operations) {
      for (let i = 0; i < operations; i++) await pool.query('SELECT 1');
    },
  },
  {
    label: '`connect()` + `release()`, 3 callers on `max: 2` (one always waiting)',
    operations: CONTENDED,
    async run(pool, operations) {
      const perCaller = Math.ceil(operations / 3);
      const caller = async () => {
        for (let i = 0; i < perCaller; i++) {
          const client = await pool.connect();
          // Hold the client across a turn of the event loop, so the other callers queue behind it.
          await new Promise((resolve) => setImmediate(resolve));
          client.release();
        }
      };
      await Promise.all([caller(), caller(), caller()]);
    },
  },
];

interface Sample {
  wallPerSecond: number;
  cpuPerSecond: number;
}

async function measure(workload: Workload, pool: pg.Pool): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await workload.run(pool, workload.operations);
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { wallPerSecond: workload.operations / wallSeconds, cpuPerSecond: workload.operations / cpuSeconds };
}

/**
 * Runtime companion overhead: checkouts per second through a plain pg.Pool and through an instrumented one
 * (`instrument(pool)`, server listening, endpoint file written), against a real embedded PostgreSQL on
 * 127.0.0.1. The two pools run alternately in every round, so both see the same machine load.
 */
export const companion: Figure = async () => {
  const server = await startServer();
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-bench-companion-'));
  const config = (max: number): pg.PoolConfig => ({ host: server.host, port: server.port, user: 'postgres', password: server.password, database: 'postgres', max });
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const workload of WORKLOADS) {
      const max = workload.operations === CONTENDED ? 2 : 4;
      const plain = new pg.Pool(config(max));
      const traced = new pg.Pool(config(max));
      const handle = instrument(traced, { workspace, name: 'bench' });
      // An idle client that errors would crash the figure with a dump of the client; fail with its message instead.
      const failures: Error[] = [];
      for (const pool of [plain, traced]) pool.on('error', (error) => failures.push(error));
      const samples: Record<'plain' | 'instrumented', Sample[]> = { plain: [], instrumented: [] };
      try {
        for (let round = -1; round < ROUNDS; round++) {
          const order: Array<['plain' | 'instrumented', pg.Pool]> =
            round % 2 === 0 ? [['plain', plain], ['instrumented', traced]] : [['instrumented', traced], ['plain', plain]];
          for (const [variant, pool] of order) {
            const sample = await measure(workload, pool);
            // Round -1 warms both pools up (connections opened, code optimised) and is not kept.
            if (round >= 0) samples[variant].push(sample);
          }
        }
        if (failures.length > 0) throw new Error(`an idle client failed during the figure: ${failures[0].message}`);
        const followed = handle.snapshot().checkoutsTotal;
        if (followed < workload.operations * ROUNDS) throw new Error(`the instrumented pool followed only ${followed} checkouts`);
      } finally {
        handle.dispose();
        await Promise.all([plain.end(), traced.end()]);
      }
      const wall = { plain: median(samples.plain.map((s) => s.wallPerSecond)), instrumented: median(samples.instrumented.map((s) => s.wallPerSecond)) };
      const cpu = { plain: median(samples.plain.map((s) => s.cpuPerSecond)), instrumented: median(samples.instrumented.map((s) => s.cpuPerSecond)) };
      const wallRatio = wall.instrumented / wall.plain;
      const cpuRatio = cpu.instrumented / cpu.plain;
      data[workload.label] = { operations: workload.operations, max, samples, wall, cpu, wallRatio, cpuRatio };
      rows.push([
        workload.label,
        `${Math.round(wall.plain).toLocaleString('en-US')} / ${Math.round(wall.instrumented).toLocaleString('en-US')}`,
        fixed(wallRatio, 3),
        `${Math.round(cpu.plain).toLocaleString('en-US')} / ${Math.round(cpu.instrumented).toLocaleString('en-US')}`,
        fixed(cpuRatio, 3),
        verdict(wallRatio >= TARGET_RATIO),
      ]);
    }
  } finally {
    await server.stop();
    await fs.rm(workspace, { recursive: true, force: true });
  }
  const markdown = [
    'Checkouts per second through a plain `pg.Pool` and through one instrumented with `instrument(pool)` (server',
    'listening, endpoint file written), against an embedded PostgreSQL on 127.0.0.1, pools already warm (`max: 4`,',
    `or \`max: 2\` for the contended row). Per round: ${CHECKOUTS.toLocaleString('en-US')} checkouts, ${QUERIES.toLocaleString('en-US')} queries or ${CONTENDED.toLocaleString('en-US')} contended checkouts per pool;`,
    `median of ${ROUNDS} rounds after one warm-up round, the two pools alternating (ABBA order) within each round.`,
    'CPU rate is operations per second of this process\'s user + system time (the server\'s time is not in it).',
    '',
    table(['workload', 'per second, wall (plain / instrumented)', 'ratio', 'per second, CPU (plain / instrumented)', 'ratio', 'target ≥ 0.95 (wall)'], rows),
  ].join('\n');
  return { title: 'Runtime companion overhead', markdown, data };
};
