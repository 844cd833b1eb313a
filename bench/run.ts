import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Figure } from './figure';
import { FIGURES } from './figures';

/**
 * Runs one figure in this process and stores its result as bench/results/<name>.json:
 * `node --expose-gc --import tsx bench/run.ts <name> [--before <checkout>]`. `main.ts` calls it once per
 * figure, each in a fresh process, so one figure's heap and loaded modules cannot skew another's.
 */
async function runOne(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const figure: Figure | undefined = Object.hasOwn(FIGURES, name ?? '') ? FIGURES[name as keyof typeof FIGURES] : undefined;
  if (!figure) throw new Error(`unknown figure '${name}'; figures: ${Object.keys(FIGURES).join(', ')}.`);
  const beforeAt = rest.indexOf('--before');
  const beforeDir = beforeAt >= 0 ? path.resolve(rest[beforeAt + 1]) : undefined;
  const started = new Date();
  const result = await figure({ beforeDir });
  const record = { name, started: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000, ...result };
  await fs.mkdir(path.join(__dirname, 'results'), { recursive: true });
  await fs.writeFile(path.join(__dirname, 'results', `${name}.json`), `${JSON.stringify(record, null, 1)}\n`);
  process.stdout.write(`\n## ${result.title}\n\n${result.markdown}\n`);
}

runOne().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
