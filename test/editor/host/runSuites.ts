import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CONFIG_ENV, type HostConfig, type ResultEvent } from './events';

/** A mocha test or hook failing can take this long: the editor suites wait for debounced diagnostics. */
const TEST_TIMEOUT_MS = 30_000;

/** Reads the launcher's instructions from the environment variable, else from a file beside the runner. */
export function readHostConfig(fallbackFile?: string): HostConfig | undefined {
  const file = process.env[CONFIG_ENV] ?? fallbackFile;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HostConfig;
  } catch {
    return undefined;
  }
}

/**
 * Runs every bundled suite with mocha inside this extension host and appends each result to the
 * results file. Resolves with the number of failures; a run where nothing ran counts as a failure.
 */
export function runSuites(config: HostConfig): Promise<number> {
  const write = (event: ResultEvent): void => appendFileSync(config.resultsFile, `${JSON.stringify(event)}\n`);
  try {
    // mocha stays outside the bundle: it loads test files with Node's own require.
    const MochaClass = createRequire(path.join(config.projectRoot, 'package.json'))('mocha/lib/mocha.cjs') as typeof Mocha;
    const mocha = new MochaClass({
      ui: 'tdd',
      timeout: TEST_TIMEOUT_MS,
      color: false,
      reporter: resultsReporter(write) as unknown as Mocha.ReporterConstructor,
      ...(config.grep ? { grep: config.grep } : {}),
    });
    // The suites are bundled next to this file, inside the runner's own folder, so that their
    // `require('vscode')` is served like any extension's.
    const suitesDir = path.join(__dirname, 'suites');
    const untrusted = config.workspace === 'untrusted';
    const suites = readdirSync(suitesDir).filter((name) => name.endsWith('.test.js') && name.startsWith('untrusted') === untrusted);
    for (const file of suites.sort()) {
      mocha.addFile(path.join(suitesDir, file));
    }
    return new Promise((resolve) => {
      const runner = mocha.run((failures) => {
        write({ type: 'end', passes: runner.stats?.passes ?? 0, failures, pending: runner.stats?.pending ?? 0 });
        resolve(failures === 0 && (runner.stats?.passes ?? 0) === 0 ? 1 : failures);
      });
    });
  } catch (error) {
    // A suite that throws while loading never reaches mocha's events; report it as a failed test.
    write({ type: 'fail', titlePath: ['loading the editor suites'], error: describe(error) });
    write({ type: 'end', passes: 0, failures: 1, pending: 0 });
    return Promise.resolve(1);
  }
}

function resultsReporter(write: (event: ResultEvent) => void) {
  return class ResultsReporter {
    constructor(runner: Mocha.Runner) {
      runner.once('start', () => write({ type: 'start', total: runner.total }));
      runner.on('pass', (test) => write({ type: 'pass', titlePath: test.titlePath(), durationMs: test.duration ?? 0 }));
      runner.on('pending', (test) => write({ type: 'pending', titlePath: test.titlePath() }));
      runner.on('fail', (test, error: unknown) => write({ type: 'fail', titlePath: test.titlePath(), error: describe(error) }));
    }
  };
}

function describe(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error) return { message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}
