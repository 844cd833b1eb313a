import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './corpus';
import { verdict, type Figure } from './figure';
import { serviceModule } from './generate';
import { fixed, median, table } from './stats';

const run = promisify(execFile);
const RUNS = 15;
const PROBE = path.join(__dirname, 'activation', 'probe.cjs');

interface Probe {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  coreLoadedAtActivation: boolean;
  coreLoadedAfter200Ms?: boolean;
  firstDiagnosticsMs?: number | null;
  diagnostics?: number;
  reanalysisMs?: number;
  longestBlockMs?: number;
}

interface Build {
  name: string;
  dist: string;
}

/**
 * Activation: a fresh Node process per run requires a minified dist/extension.js with a stand-in
 * `vscode` module (bench/activation/fakeVscode.cjs, a benchmark harness that only records calls, not
 * a test) and calls activate(): once with no document open (the parser must stay unloaded) and once
 * with one 200-line TypeScript document open (activation until its first diagnostics are set).
 * Node's own start-up is not counted. The bundles are built into a temporary folder.
 */
export const activation: Figure = async ({ beforeDir }) => {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-bench-activation-'));
  try {
    const builds: Build[] = [{ name: 'now', dist: path.join(work, 'dist') }];
    await run(process.execPath, ['esbuild.mjs', '--production', `--outdir=${builds[0].dist}`], { cwd: PROJECT_ROOT });
    if (beforeDir) {
      // The old build script has no --outdir: it writes the old checkout's own dist/.
      await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: beforeDir });
      builds.push({ name: 'before the fixes', dist: path.join(beforeDir, 'dist') });
    }
    const document = path.join(work, 'service.ts');
    await fs.writeFile(document, serviceModule(200));
    const large = path.join(work, 'large.ts');
    await fs.writeFile(large, serviceModule(2000));

    const results = new Map<string, { empty: Probe[]; open: Probe[]; large: Probe[] }>(builds.map((b) => [b.name, { empty: [], open: [], large: [] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const build of builds) {
        results.get(build.name)!.empty.push(await probe(build.dist));
        results.get(build.name)!.open.push(await probe(build.dist, document));
        results.get(build.name)!.large.push(await probe(build.dist, large));
      }
    }

    const rows: string[][] = [];
    const sizes: string[][] = [];
    for (const build of builds) {
      const { empty, open, large: big } = results.get(build.name)!;
      const m = (list: Probe[], key: keyof Probe) => median(list.map((p) => Number(p[key] ?? Number.NaN)));
      const parserStaysOut = empty.every((p) => !p.coreLoadedAtActivation && p.coreLoadedAfter200Ms === false);
      rows.push([
        build.name,
        `${fixed(m(empty, 'requireMs'))} + ${fixed(m(empty, 'activateMs'))} = **${fixed(m(empty, 'totalMs'))}**`,
        parserStaysOut ? 'no' : 'yes',
        verdict(m(empty, 'totalMs') < 50 && parserStaysOut),
        fixed(m(open, 'totalMs')),
        fixed(m(open, 'firstDiagnosticsMs')),
        `${fixed(m(open, 'reanalysisMs'))} / ${fixed(m(open, 'longestBlockMs'))}`,
        `${fixed(m(big, 'reanalysisMs'))} / ${fixed(m(big, 'longestBlockMs'))}`,
      ]);
      for (const file of ['extension.js', 'core.js', 'pg.js']) {
        const stat = await fs.stat(path.join(build.dist, file)).catch(() => undefined);
        if (stat) sizes.push([build.name, `dist/${file}`, `${fixed(stat.size / 1024, 0)} KiB`]);
      }
    }
    const markdown = [
      `Median of ${RUNS} fresh processes per case (Node start-up not counted). The stand-in \`vscode\` module is`,
      'a benchmark harness (bench/activation/fakeVscode.cjs): it records calls and answers with inert values.',
      'After the first diagnostics the open document is analysed again through the API (`analyzeNow`), as an edit',
      'would, while `monitorEventLoopDelay` records the longest stretch the main thread was blocked. Documents of',
      '8,000 characters or more (the 2,000-line one, not the 200-line one) are analysed on a worker thread.',
      '',
      table(
        [
          'build',
          'no document open: require + activate() ms',
          'parser loaded?',
          'target < 50 ms, parser not loaded',
          '200-line .ts open: require + activate() ms',
          '… until its first diagnostics ms',
          '200-line .ts re-analysed: ms / longest main-thread block ms',
          '2,000-line .ts re-analysed: ms / longest main-thread block ms',
        ],
        rows,
      ),
      '',
      'Minified bundle sizes:',
      '',
      table(['build', 'file', 'size'], sizes),
    ].join('\n');
    return { title: 'Activation and bundle', markdown, data: Object.fromEntries(results) };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
};

async function probe(dist: string, document?: string): Promise<Probe> {
  const { stdout } = await run(process.execPath, [PROBE, dist, ...(document ? [document] : [])], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Probe;
}
