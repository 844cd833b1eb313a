import { open } from 'node:fs/promises';
import type { ResultEvent } from '../editor/host/events';

interface Failure {
  titlePath: string[];
  message: string;
  stack?: string;
}

/**
 * Prints results the way mocha's spec reporter does, as they arrive, and keeps the counts for the
 * closing lines. Both the in-editor suites and the browser checks report here.
 */
export class Report {
  private passes = 0;
  private pending = 0;
  private readonly failures: Failure[] = [];
  private printedSuites: string[] = [];
  private ended = 0;

  record(event: ResultEvent): void {
    switch (event.type) {
      case 'pass':
        this.passes++;
        this.printTest(event.titlePath, `✔ ${last(event.titlePath)}${event.durationMs >= 75 ? ` (${event.durationMs}ms)` : ''}`);
        break;
      case 'pending':
        this.pending++;
        this.printTest(event.titlePath, `- ${last(event.titlePath)}`);
        break;
      case 'fail':
        this.failures.push({ titlePath: event.titlePath, ...event.error });
        this.printTest(event.titlePath, `${this.failures.length}) ${last(event.titlePath)}`);
        break;
      case 'end':
        this.ended++;
        break;
      case 'start':
        break;
    }
  }

  get failureCount(): number {
    return this.failures.length;
  }

  get passCount(): number {
    return this.passes;
  }

  /** The failures in full, then the closing line `N passed, N failed` that CI reads. */
  printSummary(): void {
    console.log('');
    console.log(`  ${this.passes} passing`);
    if (this.pending > 0) console.log(`  ${this.pending} pending`);
    if (this.failures.length > 0) console.log(`  ${this.failures.length} failing`);
    this.failures.forEach((failure, index) => {
      console.log('');
      console.log(`  ${index + 1}) ${failure.titlePath.join(' ')}:`);
      const detail = failure.stack && failure.stack.includes(failure.message) ? failure.stack : `${failure.message}\n${failure.stack ?? ''}`;
      for (const line of detail.trim().split('\n').slice(0, 30)) console.log(`     ${line}`);
    });
    console.log('');
    console.log(`${this.passes} passed, ${this.failures.length} failed${this.pending > 0 ? `, ${this.pending} skipped` : ''}`);
  }

  private printTest(titlePath: string[], line: string): void {
    const suites = titlePath.slice(0, -1);
    let common = 0;
    while (common < suites.length && common < this.printedSuites.length && suites[common] === this.printedSuites[common]) common++;
    for (let depth = common; depth < suites.length; depth++) {
      if (depth === 0) console.log('');
      console.log(`${'  '.repeat(depth + 1)}${suites[depth]}`);
    }
    this.printedSuites = suites;
    console.log(`${'  '.repeat(suites.length + 1)}${line}`);
  }
}

function last(titlePath: string[]): string {
  return titlePath[titlePath.length - 1] ?? '';
}

/**
 * Follows the runner's JSON-lines results file, feeding each event to the report, until the `end`
 * event arrives or `signal` aborts. The file may not exist yet when the editor is still starting.
 */
export async function followResults(file: string, report: Report, signal: AbortSignal): Promise<boolean> {
  let offset = 0;
  let partial = '';
  while (!signal.aborted) {
    const chunk = await readFrom(file, offset);
    offset += chunk.length;
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as ResultEvent;
      report.record(event);
      if (event.type === 'end') return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function readFrom(file: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}
