import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIGURES } from './figures';

/**
 * `npm run bench [-- <figure>...] [--before <checkout>]`: runs the named figures (all by default),
 * each in a fresh `node --expose-gc` process, then rewrites bench/RESULTS.md from every stored result
 * (bench/results/<figure>.json), so one figure can be re-run alone. `--report` only rewrites
 * RESULTS.md. Figures print; nothing asserts.
 */
function main(): number {
  const args = process.argv.slice(2);
  if (args.includes('--report')) return 0;
  const beforeAt = args.indexOf('--before');
  const before = beforeAt >= 0 ? ['--before', args[beforeAt + 1]] : [];
  const names = args.filter((arg, i) => !arg.startsWith('--') && !(beforeAt >= 0 && i === beforeAt + 1));
  const unknown = names.filter((name) => !Object.hasOwn(FIGURES, name));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown figure '${unknown[0]}'; figures: ${Object.keys(FIGURES).join(', ')}.\n`);
    return 2;
  }
  let failed = false;
  for (const name of names.length > 0 ? names : Object.keys(FIGURES)) {
    process.stdout.write(`\n# bench: ${name}\n`);
    const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'run.ts'), name, ...before], {
      stdio: 'inherit',
      cwd: path.join(__dirname, '..'),
    });
    if (result.status !== 0) failed = true;
  }
  return failed ? 1 : 0;
}

interface StoredResult {
  name: string;
  started: string;
  seconds: number;
  title: string;
  markdown: string;
}

/** RESULTS.md: the machine, then every stored figure in the order of FIGURES, then notes.md as written. */
async function writeResults(): Promise<void> {
  const dir = path.join(__dirname, 'results');
  const sections: string[] = [];
  for (const name of Object.keys(FIGURES)) {
    const file = path.join(dir, `${name}.json`);
    const stored = await fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as StoredResult, () => undefined);
    if (!stored) {
      sections.push(`## ${name}\n\nNot measured yet: \`npm run bench -- ${name}\`.`);
      continue;
    }
    sections.push(
      `## ${stored.title}\n\n_Measured ${stored.started.replace('T', ' ').slice(0, 16)} UTC in ${Math.round(stored.seconds)} s; re-run alone: \`npm run bench -- ${name}\`._\n\n${stored.markdown}`,
    );
  }
  const notes = await fs.readFile(path.join(__dirname, 'notes.md'), 'utf8').catch(() => '');
  const machine = [
    `- CPU: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} cores available (\`nproc\`)`,
    `- memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total, ${(os.freemem() / 1024 ** 3).toFixed(1)} GiB free when written (\`free -h\`)`,
    `- Node ${process.version}, ${os.platform()} ${os.release()}`,
    `- load average when written: ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')} (the machine is shared: other helpers run tests and a browser-driven editor at the same`,
    '  time, so absolute times move from run to run; compare the ratios, which are measured side by side in one run)',
  ].join('\n');
  const text = [
    '# Pool Lens benchmarks',
    '',
    'Written by `npm run bench` (bench/main.ts); every figure is re-runnable alone with',
    '`npm run bench -- <figure>` (figures: ' + Object.keys(FIGURES).join(', ') + '). Benchmarks print figures; they never',
    'assert timings.',
    '',
    '## Machine',
    '',
    machine,
    '',
    ...sections.flatMap((section) => [section, '']),
    notes.trim(),
    '',
  ].join('\n');
  await fs.writeFile(path.join(__dirname, 'RESULTS.md'), text);
}

const status = main();
writeResults().then(
  () => {
    process.stdout.write(`\nbench: wrote ${path.join('bench', 'RESULTS.md')}\n`);
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`bench: could not write RESULTS.md: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
