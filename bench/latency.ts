import * as path from 'node:path';
import { parse } from '@typescript-eslint/typescript-estree';
import { analyze } from '../src/core/analyze';
import type { Finding } from '../src/core/types';
import { verdict, type Figure } from './figure';
import { serviceModule, stressModule } from './generate';
import { fixed, median, percentile, table } from './stats';

type Analyze = (text: string, fileName: string) => Finding[];

/**
 * The raw parse: typescript-estree always computes ranges and locations (asking for fewer costs an
 * extra pass that deletes them), so this is its cheapest configuration.
 */
export const RAW_PARSE = { range: true, loc: true, jsx: false } as const;

interface Input {
  name: string;
  text: string;
  runs: number;
}

/**
 * Typing latency in the editor path: document text → findings (what `DiagnosticsProvider` calls), next
 * to a raw typescript-estree parse of the same text (ranges and locations, no comments or tokens). Each run
 * parses and analyses once, interleaved, so both see the same machine load.
 */
export const latency: Figure = async ({ beforeDir }) => {
  const before = beforeDir ? loadAnalyze(beforeDir) : undefined;
  const inputs: Input[] = [
    { name: '200 lines', text: serviceModule(200), runs: 60 },
    { name: '2,000 lines', text: serviceModule(2000), runs: 30 },
    { name: '10,000 lines', text: serviceModule(10000), runs: 12 },
    { name: 'stress: 300 functions × 300 pools', text: stressModule(300, 300), runs: 12 },
  ];
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  for (const input of inputs) {
    const fileName = 'service.ts';
    const parseMs: number[] = [];
    const analyzeMs: number[] = [];
    const beforeMs: number[] = [];
    let findings = 0;
    for (let run = -2; run < input.runs; run++) {
      // Two warm-up runs let the JIT settle; they are not counted.
      const p = measure(() => parse(input.text, RAW_PARSE));
      let found: Finding[] = [];
      const a = measure(() => (found = analyze(input.text, fileName)));
      const b = before ? measure(() => before(input.text, fileName)) : undefined;
      if (run < 0) continue;
      parseMs.push(p);
      analyzeMs.push(a);
      if (b !== undefined) beforeMs.push(b);
      findings = found.length;
    }
    const ratio = median(analyzeMs) / median(parseMs);
    const lines = input.text.split('\n').length;
    data[input.name] = { lines, bytes: input.text.length, findings, parseMs, analyzeMs, beforeMs, ratio };
    rows.push([
      input.name,
      String(lines),
      String(findings),
      `${fixed(median(parseMs))} / ${fixed(percentile(parseMs, 95))}`,
      `${fixed(median(analyzeMs))} / ${fixed(percentile(analyzeMs, 95))}`,
      fixed(Math.max(...analyzeMs)),
      fixed(ratio, 2),
      verdict(ratio <= 1.25),
      ...(before ? [`${fixed(median(beforeMs))} / ${fixed(percentile(beforeMs, 95))} (${fixed(median(beforeMs) / median(parseMs), 2)}× parse)`] : []),
    ]);
  }
  const header = ['input', 'lines', 'findings', 'raw parse p50 / p95 ms', 'analysis p50 / p95 ms', 'analysis max ms', 'analysis ÷ parse (p50)', 'target ≤ 1.25×'];
  if (before) header.push('before the fixes: analysis p50 / p95 ms');
  const markdown = [
    'Generated TypeScript services (Express handlers with checkouts released in `finally`, transactions with',
    'rollback, callback checkouts, `.then` chains, `pool.query`, some leaks); the stress file is the shape one',
    'helper reported slow: 300 module-level pools and 300 functions, each checking out of one pool and querying',
    'another. `analyze(text, fileName)` with default rules and no project facts, against',
    '`parse(text, { range: true, loc: true })` of the same text (its cheapest configuration: it computes both anyway). p50/p95 over the runs in the table header.',
    '',
    table(header, rows),
  ].join('\n');
  return { title: 'Typing latency: document text → findings', markdown, data };
};

/** Present under `node --expose-gc` (how `npm run bench` runs the figures). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Each measurement starts from a collected heap, so one run does not pay for the garbage of the one before. */
function measure(work: () => unknown): number {
  collectGarbage?.();
  const start = performance.now();
  work();
  return performance.now() - start;
}

/** The analyzer of another checkout (the code before the fixes), loaded through tsx like this one. */
function loadAnalyze(dir: string): Analyze {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(dir, 'src/core/analyze.ts')) as { analyze: Analyze }).analyze;
}
