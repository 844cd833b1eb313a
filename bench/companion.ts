import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import pg from 'pg';
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
  /**
   * Whether the 5 % target applies: a checkout that runs a statement is what an app does; a bare
   * `connect()` + `release()` of an idle client measures the companion against the pool's bookkeeping alone
   * (about 2 µs of CPU), an upper bound of its share that no app sees.
   */
  judged: boolean;
  run(pool: pg.Pool, operations: number): Promise<void>;
}

const WORKLOADS: Workload[] = [
  {
    label: "`connect()` + `query('SELECT 1')` + `release()`, one caller",
    operations: QUERIES,
    judged: true,
    async run(pool, operations) {
      for (let i = 0; i < operations; i++) {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
      }
    },
  },
  {
    label: "`pool.query('SELECT 1')`, one caller",
    operations: QUERIES,
    judged: true,
    async run(pool, operations) {
      for (let i = 0; i < operations; i++) await pool.query('SELECT 1');
    },
  },
  {
    label: '`connect()` + `release()`, no statement, one caller',
    operations: CHECKOUTS,
    judged: false,
    async run(pool, operations) {
      for (let i = 0; i < operations; i++) (await pool.connect()).release();
    },
  },
  {
    label: '`connect()` + `release()`, no statement, 3 callers on `max: 2` (one always waiting)',
    operations: CONTENDED,
    judged: false,
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

interface Companion {
  instrument(pool: pg.Pool, options: { workspace: string; name: string }): { snapshot(): { checkoutsTotal: number }; dispose(): void };
}

/**
 * The companion as an app loads it: `<root>/src/runtime/index.ts` bundled like dist/runtime.js (esbuild, not
 * TypeScript through tsx), into `outDir`. Two bundles in one process share one companion through a global
 * (see processCompanion); the global is removed after each load's first use, so each version keeps its own.
 */
function loadCompanion(root: string, outDir: string): Companion {
  const outfile = path.join(outDir, `runtime-${path.basename(root)}.js`);
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src/runtime/index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['pg', 'pg-pool', 'pg-native'],
    logLevel: 'warning',
  });
  return require(outfile) as Companion;
}

const COMPANION_GLOBAL = Symbol.for('pool-lens.runtime-companion');

type Variant = 'plain' | 'before' | 'instrumented';

interface Rates {
  wall: Partial<Record<Variant, number>>;
  cpu: Partial<Record<Variant, number>>;
}

/**
 * Runtime companion overhead: checkouts per second through a plain pg.Pool and through an instrumented one
 * (`instrument(pool)`, server listening, endpoint file written), against a real embedded PostgreSQL on
 * 127.0.0.1; with `--before <checkout>` also through the companion of that checkout, in the same process.
 * The pools run alternately in every round (order reversed every other round), so all see the same load.
 */
export const companion: Figure = async ({ beforeDir }) => {
  const build = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-bench-companion-build-'));
  const roots: Array<[Exclude<Variant, 'plain'>, string]> = [['instrumented', path.join(__dirname, '..')]];
  if (beforeDir) roots.unshift(['before', beforeDir]);
  const companions = new Map<Variant, Companion>();
  for (const [variant, root] of roots) companions.set(variant, loadCompanion(root, path.join(build, variant)));
  const variants: Variant[] = ['plain', ...roots.map(([variant]) => variant)];
  const server = await startServer();
  const config = (max: number): pg.PoolConfig => ({ host: server.host, port: server.port, user: 'postgres', password: server.password, database: 'postgres', max });
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const workload of WORKLOADS) {
      const max = workload.operations === CONTENDED ? 2 : 4;
      const pools = new Map<Variant, pg.Pool>(variants.map((variant) => [variant, new pg.Pool(config(max))]));
      const handles: Array<ReturnType<Companion['instrument']>> = [];
      for (const [variant, instance] of companions) {
        // Its own workspace: each version's companion writes companion-<pid>.json there.
        const workspace = path.join(build, variant);
        handles.push(instance.instrument(pools.get(variant)!, { workspace, name: `bench-${variant}` }));
        delete (globalThis as Record<symbol, unknown>)[COMPANION_GLOBAL];
      }
      // An idle client that errors would crash the figure with a dump of the client; fail with its message instead.
      const failures: Error[] = [];
      for (const pool of pools.values()) pool.on('error', (error) => failures.push(error));
      const samples = Object.fromEntries(variants.map((variant) => [variant, [] as Sample[]])) as Record<Variant, Sample[]>;
      try {
        for (let round = -1; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? variants : [...variants].reverse();
          for (const variant of order) {
            const sample = await measure(workload, pools.get(variant)!);
            // Round -1 warms the pools up (connections opened, code optimised) and is not kept.
            if (round >= 0) samples[variant].push(sample);
          }
        }
        if (failures.length > 0) throw new Error(`an idle client failed during the figure: ${failures[0].message}`);
        for (const handle of handles) {
          const followed = handle.snapshot().checkoutsTotal;
          if (followed < workload.operations * ROUNDS) throw new Error(`an instrumented pool followed only ${followed} checkouts`);
        }
      } finally {
        for (const handle of handles) handle.dispose();
        await Promise.all([...pools.values()].map((pool) => pool.end()));
      }
      const rates: Rates = { wall: {}, cpu: {} };
      for (const variant of variants) {
        rates.wall[variant] = median(samples[variant].map((s) => s.wallPerSecond));
        rates.cpu[variant] = median(samples[variant].map((s) => s.cpuPerSecond));
      }
      const ratio = (kind: keyof Rates, variant: Variant) => rates[kind][variant]! / rates[kind].plain!;
      data[workload.label] = {
        operations: workload.operations,
        max,
        judged: workload.judged,
        samples,
        ...rates,
        wallRatio: Object.fromEntries(variants.slice(1).map((v) => [v, ratio('wall', v)])),
        cpuRatio: Object.fromEntries(variants.slice(1).map((v) => [v, ratio('cpu', v)])),
      };
      const perSecond = (kind: keyof Rates) => variants.map((v) => Math.round(rates[kind][v]!).toLocaleString('en-US')).join(' / ');
      const ratios = (kind: keyof Rates) => variants.slice(1).map((v) => fixed(ratio(kind, v), 3)).join(' / ');
      rows.push([
        workload.label,
        perSecond('wall'),
        ratios('wall'),
        perSecond('cpu'),
        ratios('cpu'),
        workload.judged ? verdict(Math.min(ratio('wall', 'instrumented'), ratio('cpu', 'instrumented')) >= TARGET_RATIO) : 'not judged (bound)',
      ]);
    }
  } finally {
    await server.stop();
    await fs.rm(build, { recursive: true, force: true });
  }
  const columns = variants.join(' / ');
  const markdown = [
    'Checkouts per second through a plain `pg.Pool` and through one instrumented with `instrument(pool)` (server',
    'listening, endpoint file written)' + (beforeDir ? ', by the companion before this change and by the current one,' : ',') +
      ' against an embedded PostgreSQL on 127.0.0.1, pools already warm',
    '(`max: 4`, or `max: 2` for the contended row). The companion is loaded as an app loads it: `src/runtime` bundled',
    'by esbuild like dist/runtime.js (for the "before" column from a `git archive` of the earlier commit).',
    `Per round: ${QUERIES.toLocaleString('en-US')} checkouts with a statement, ${CHECKOUTS.toLocaleString('en-US')} bare or ${CONTENDED.toLocaleString('en-US')} contended checkouts per pool;`,
    `median of ${ROUNDS} rounds after one warm-up round, the pools alternating (order reversed every other round).`,
    'CPU rate is operations per second of this process\'s user + system time (the server\'s time is not in it).',
    'The 5 % target is judged on checkouts that run a statement (what an app does: `connect()` + a query +',
    '`release()`, and `pool.query()`); the bare `connect()` + `release()` rows compare the companion with the',
    "pool's bookkeeping alone (about 2 µs of CPU), a bound no app reaches, and are not judged. A judged row meets",
    'the target when both ratios do: with one caller the wall rate includes the server\'s and the scheduler\'s time',
    '(it moves by ±10 % between two identical copies of the companion on this shared machine), while the CPU rate is',
    'the throughput an app reaches once its own process is the bottleneck.',
    '',
    table(
      ['workload', `per second, wall (${columns})`, 'ratio', `per second, CPU (${columns})`, 'ratio', 'target ≥ 0.95 (wall and CPU)'],
      rows,
    ),
  ].join('\n');
  return { title: 'Runtime companion overhead', markdown, data };
};
