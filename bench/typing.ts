import { parse } from '@typescript-eslint/typescript-estree';
import { analyzeFile } from '../src/core/analyze';
import { IncrementalParser, type ParseKind } from '../src/core/incrementalParse';
import { ParseFailure } from '../src/core/parse';
import { measure, type Timing } from './timing';

/** A statement typed at the end of a line inside a function, one character at a time (newline first). */
const TYPED = '\n    console.log(`done ${Date.now()}`);';

/** Fixed so every run types at the same places. */
const SEED = 20261122;

export interface TypingTimes {
  /** Per keystroke whose text parses: a raw parse of the text, and the editor's analysis of it, CPU and wall ms. */
  parse: Timing[];
  analysis: Timing[];
  /** The same for keystrokes whose text does not parse: both end in the parser's error. */
  failedParse: Timing[];
  failedAnalysis: Timing[];
  /** What the editor's parser did per keystroke; `failed` when the text did not parse. */
  kinds: Record<ParseKind | 'failed', number>;
}

/**
 * Types `TYPED` at `lines` places of `text` (ends of indented lines ending in `;`, chosen by a seeded
 * generator), one keystroke at a time, the way `DiagnosticsProvider` sees it: each version of the document
 * goes to `analyzeFile` with the document's `IncrementalParser`. Each keystroke also times a raw parse of
 * the same text, alternating which goes first. Both are timed when the text does not parse too (half-typed
 * calls): the parser throws, and the editor keeps its last findings.
 */
export function typeInto(text: string, fileName: string, lines: number, warmUpKeystrokes: number, rawParse: object): TypingTimes {
  const places = typingPlaces(text, lines);
  const parser = new IncrementalParser(fileName);
  const times: TypingTimes = { parse: [], analysis: [], failedParse: [], failedAnalysis: [], kinds: { full: 0, statement: 0, unchanged: 0, failed: 0 } };
  let keystroke = 0;
  let document = text;
  attempt(() => analyzeFile(document, fileName, {}, () => parser.parse(document)));
  // Later places first, so the offsets of the earlier ones still hold.
  for (const place of places.sort((a, b) => b - a)) {
    for (let typed = 1; typed <= TYPED.length; typed++) {
      document = document.slice(0, place) + TYPED.slice(0, typed) + document.slice(place + typed - 1);
      const current = document;
      const steps = [() => parse(current, rawParse), () => analyzeFile(current, fileName, {}, () => parser.parse(current))];
      const order = keystroke % 2 === 0 ? [0, 1] : [1, 0];
      const parsedOk: boolean[] = [];
      const measured: Timing[] = [];
      for (const index of order) measured[index] = measure(() => (parsedOk[index] = attempt(steps[index])));
      if (keystroke >= warmUpKeystrokes) {
        const [rawOk, analysedOk] = parsedOk;
        if (rawOk !== analysedOk) throw new Error(`keystroke ${keystroke}: the raw parse ${rawOk ? 'succeeded' : 'failed'}, the analysis's parse did not`);
        (analysedOk ? times.parse : times.failedParse).push(measured[0]);
        (analysedOk ? times.analysis : times.failedAnalysis).push(measured[1]);
        times.kinds[analysedOk ? parser.lastKind : 'failed']++;
      }
      keystroke++;
    }
  }
  return times;
}

/** Runs `work`; false when the text did not parse (the raw parser's error or a `ParseFailure`). */
function attempt(work: () => unknown): boolean {
  try {
    work();
    return true;
  } catch (error) {
    if (error instanceof ParseFailure || (error instanceof Error && 'lineNumber' in error)) return false;
    throw error;
  }
}

/** Offsets just after `;` at the end of indented lines (inside a function body), `count` of them, seeded. */
function typingPlaces(text: string, count: number): number[] {
  const candidates: number[] = [];
  for (const match of text.matchAll(/\n {4,}[^\n]*;(?=\n)/g)) candidates.push(match.index + match[0].length);
  let state = SEED;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, candidates.length)) chosen.add(candidates[Math.floor(next() * candidates.length)]);
  return [...chosen];
}
