import { createLintCommand } from '../src/cli/lint';
import { BenchServer } from './backends';
import { prepareCorpus, removeCorpus } from './corpus';
import type { Figure } from './figure';
import { fixed, MB, table } from './stats';

const LINT_FILES = 5000;
const REFRESHES = 10_000;
const REFRESH_CHECKPOINT = 1_000;
const BACKENDS = 100;

interface Memory {
  heapMb: number;
  rssMb: number;
}

/**
 * Memory: heap (after a full collection) and RSS before and after `pool-lens lint` of 5,000 files with
 * the gate off (every file parsed; nothing may keep an AST afterwards), and after 1,000 and 10,000
 * monitor refreshes against 100 backends (the heap must not grow with the number of refreshes).
 */
export const memory: Figure = async () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('the memory figure needs node --expose-gc (npm run bench passes it).');
  const measure = (): Memory => {
    collect();
    collect();
    const usage = process.memoryUsage();
    return { heapMb: usage.heapUsed / MB, rssMb: usage.rss / MB };
  };

  const lintRows: string[][] = [];
  const copies = Math.ceil(LINT_FILES / 651);
  const corpus = await prepareCorpus(copies, LINT_FILES);
  let lintData: Record<string, Memory | number>;
  try {
    const lint = createLintCommand({ gate: false });
    const before = measure();
    let filesScanned = 0;
    let stdout = '';
    await lint(['--format', 'json', corpus.sources], {
      stdout: (text) => void (stdout += text),
      stderr: () => undefined,
      cwd: corpus.root,
    });
    filesScanned = (JSON.parse(stdout) as { filesScanned: number }).filesScanned;
    stdout = '';
    const after = measure();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    // A second run shows whether anything accumulates per run (the first also compiles and warms code).
    await lint(['--format', 'json', corpus.sources], { stdout: () => undefined, stderr: () => undefined, cwd: corpus.root });
    const again = measure();
    lintData = { files: filesScanned, bytes: corpus.bytes, before, after, again, peakRssMb };
    lintRows.push(
      ['before linting', fixed(before.heapMb), fixed(before.rssMb)],
      [`after linting ${filesScanned} files (${fixed(corpus.bytes / MB)} MB, gate off: every file parsed)`, fixed(after.heapMb), fixed(after.rssMb)],
      ['after linting them all a second time', fixed(again.heapMb), fixed(again.rssMb)],
      ['peak RSS during the first run', '', fixed(peakRssMb)],
    );
  } finally {
    await removeCorpus(corpus);
  }

  const bench = await BenchServer.start();
  const watcher = bench.monitor();
  const monitorRows: string[][] = [];
  let monitorData: Record<string, Memory>;
  try {
    await bench.grow(BACKENDS);
    await watcher.snapshot();
    const checkpoints = new Map<number, Memory>([[1, measure()]]);
    for (let refresh = 2; refresh <= REFRESHES; refresh++) {
      const snapshot = await watcher.snapshot();
      if (snapshot.servers[0]?.status !== 'ok') throw new Error(`refresh ${refresh} failed: ${snapshot.servers[0]?.error}`);
      if (refresh % REFRESH_CHECKPOINT === 0 && (refresh / REFRESH_CHECKPOINT) % 3 === 1) checkpoints.set(refresh, measure());
    }
    checkpoints.set(REFRESHES, measure());
    monitorData = Object.fromEntries(checkpoints);
    for (const [count, memory] of checkpoints) {
      monitorRows.push([`after ${count.toLocaleString('en')} ${count === 1 ? 'refresh' : 'refreshes'}`, fixed(memory.heapMb, 2), fixed(memory.rssMb)]);
    }
    const first = checkpoints.get(REFRESH_CHECKPOINT)!;
    const last = checkpoints.get(REFRESHES)!;
    monitorRows.push([
      `growth from ${REFRESH_CHECKPOINT.toLocaleString('en')} to ${REFRESHES.toLocaleString('en')}`,
      fixed(last.heapMb - first.heapMb, 2),
      fixed(last.rssMb - first.rssMb),
    ]);
  } finally {
    await watcher.dispose();
    await bench.stop();
  }

  const markdown = [
    'Heap used after two full collections (`--expose-gc`) and RSS, in MB, in one process.',
    '',
    table(['lint', 'heap MB', 'RSS MB'], lintRows),
    '',
    `Monitor refreshes against ${BACKENDS} backends:`,
    '',
    table(['monitor', 'heap MB', 'RSS MB'], monitorRows),
  ].join('\n');
  return { title: 'Memory', markdown, data: { lint: lintData, monitor: monitorData } };
};
