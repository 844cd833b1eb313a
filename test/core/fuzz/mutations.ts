import type { Random } from './prng';
import type { Sample } from './corpus';

/** One input for the analyzer, with how it was made so a failure says what to look at. */
export interface FuzzInput {
  kind: string;
  origin: string;
  fileName: string;
  text: string;
}

/** Identifiers, numbers, runs of blanks, or single other characters: coarse tokens, good enough to cut. */
const TOKEN = /[A-Za-z_$][\w$]*|\d+|\s+|[^]/g;
const BRACKETS = ['{', '}', '(', ')', '[', ']', '`', '"', "'", '/*', '*/', '<', '>'];

/** Deletes or duplicates one to four random tokens. */
export function mutateTokens(sample: Sample, random: Random): FuzzInput {
  const tokens = sample.text.match(TOKEN) ?? [];
  const edits = 1 + random.int(4);
  const kinds: string[] = [];
  for (let n = 0; n < edits && tokens.length > 0; n++) {
    const at = random.int(tokens.length);
    if (random.chance(0.5)) {
      tokens.splice(at, 1);
      kinds.push('delete');
    } else {
      tokens.splice(at, 0, tokens[at]);
      kinds.push('duplicate');
    }
  }
  return { kind: `tokens:${kinds.join('+')}`, origin: sample.origin, fileName: sample.fileName, text: tokens.join('') };
}

/**
 * Deletes or duplicates one to three whole lines. Unlike token edits these often still parse, so the
 * rules (not just the parser) see code with a release, a query or an `end()` missing or doubled.
 */
export function mutateLines(sample: Sample, random: Random): FuzzInput {
  const lines = sample.text.split('\n');
  const edits = 1 + random.int(3);
  const kinds: string[] = [];
  for (let n = 0; n < edits && lines.length > 1; n++) {
    const at = random.int(lines.length);
    if (random.chance(0.5)) {
      lines.splice(at, 1);
      kinds.push('delete');
    } else {
      lines.splice(at, 0, lines[at]);
      kinds.push('duplicate');
    }
  }
  return { kind: `lines:${kinds.join('+')}`, origin: sample.origin, fileName: sample.fileName, text: lines.join('\n') };
}

/** Inserts or removes brackets, quotes and comment delimiters so they no longer balance. */
export function unbalance(sample: Sample, random: Random): FuzzInput {
  let text = sample.text;
  const edits = 1 + random.int(3);
  for (let n = 0; n < edits; n++) {
    const at = random.int(text.length + 1);
    if (random.chance(0.6)) {
      text = text.slice(0, at) + random.pick(BRACKETS) + text.slice(at);
    } else {
      const bracket = text.slice(at).search(/[{}()[\]]/);
      if (bracket >= 0) text = text.slice(0, at + bracket) + text.slice(at + bracket + 1);
    }
  }
  return { kind: 'unbalanced', origin: sample.origin, fileName: sample.fileName, text };
}

/** Random bytes read as Latin-1, or random UTF-16 code units (lone surrogates, NUL), alone or spliced into a file. */
export function garbage(sample: Sample, random: Random): FuzzInput {
  const length = 1 + random.int(2000);
  const units: number[] = [];
  const wide = random.chance(0.5);
  for (let i = 0; i < length; i++) units.push(wide ? random.int(0x10000) : random.int(0x100));
  let junk = '';
  for (let i = 0; i < units.length; i += 4096) junk += String.fromCharCode(...units.slice(i, i + 4096));
  if (random.chance(0.5)) return { kind: 'garbage', origin: '(random)', fileName: random.pick(['junk.ts', 'junk.js']), text: junk };
  const at = random.int(sample.text.length + 1);
  return {
    kind: 'garbage-in-file',
    origin: sample.origin,
    fileName: sample.fileName,
    text: sample.text.slice(0, at) + junk + sample.text.slice(at),
  };
}

/** The same code as the user would see it: with a byte-order mark, with Windows line ends, or both. */
export function encodingVariants(sample: Sample): FuzzInput[] {
  const crlf = sample.text.replace(/\r?\n/g, '\r\n');
  return [
    { kind: 'bom', origin: sample.origin, fileName: sample.fileName, text: `\uFEFF${sample.text}` },
    { kind: 'crlf', origin: sample.origin, fileName: sample.fileName, text: crlf },
    { kind: 'bom+crlf', origin: sample.origin, fileName: sample.fileName, text: `\uFEFF${crlf}` },
  ];
}

/** Every prefix of a file: what the analyzer sees while the file is typed from top to bottom. */
export function* truncations(sample: Sample): Generator<FuzzInput> {
  for (let end = 0; end < sample.text.length; end++) {
    yield { kind: `truncated@${end}`, origin: sample.origin, fileName: sample.fileName, text: sample.text.slice(0, end) };
  }
}

const PG_HEAD = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function handler() {\n  const client = await pool.connect();\n";
const PG_TAIL = '\n  client.release();\n}\n';
const DEPTH = 10_000;

/** Expressions and statements nested 10,000 levels deep, inside a function that checks out a client. */
export function deepNesting(): FuzzInput[] {
  const shapes: Record<string, string> = {
    parentheses: `const x = ${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)};`,
    arrays: `const x = ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)};`,
    objects: `const x = ${'{ a: '.repeat(DEPTH)}1${' }'.repeat(DEPTH)};`,
    calls: `const x = ${'f('.repeat(DEPTH)}client${')'.repeat(DEPTH)};`,
    'binary chain': `const x = ${Array(DEPTH).fill('a').join(' + ')};`,
    'member chain': `const x = client${'.next'.repeat(DEPTH)};`,
    ternaries: `const x = ${'a ? b : '.repeat(DEPTH)}c;`,
    arrows: `const x = ${'() => '.repeat(DEPTH)}client;`,
    awaits: `${'await '.repeat(DEPTH)}client.query('SELECT 1');`,
    blocks: `${'{ '.repeat(DEPTH)}client.query('SELECT 1');${' }'.repeat(DEPTH)}`,
    ifs: `${'if (a) { '.repeat(DEPTH)}client.release(); return;${' }'.repeat(DEPTH)}`,
    'try blocks': `${'try { '.repeat(DEPTH)}await client.query('SELECT 1');${' } finally { }'.repeat(DEPTH)}`,
    functions: `${'function g() { '.repeat(DEPTH)}pool.connect();${' }'.repeat(DEPTH)}`,
    'unclosed parentheses': `const x = ${'('.repeat(DEPTH)}1;`,
  };
  return Object.entries(shapes).map(([shape, body]) => ({
    kind: `deep:${shape}`,
    origin: '(generated)',
    fileName: 'deep.ts',
    text: PG_HEAD + body + PG_TAIL,
  }));
}

/** Single lines of a megabyte or more: a long string, many statements on one line, a whole file folded onto one line. */
export function hugeLines(samples: readonly Sample[]): FuzzInput[] {
  const statements = Array.from({ length: 20_000 }, (_, i) => `await client.query('SELECT ${i}');`).join(' ');
  // Only files without `//` (line comments, URLs in strings) and template literals still mean the same folded.
  const folded = samples
    .filter((sample) => sample.text.includes('pg') && !sample.text.includes('//') && !sample.text.includes('`'))
    .slice(0, 40)
    .map((sample) => sample.text.replace(/\r?\n/g, ' '))
    .join(';\n');
  return [
    { kind: 'huge:string', origin: '(generated)', fileName: 'huge.ts', text: `${PG_HEAD}const s = '${'x'.repeat(1_000_000)}';${PG_TAIL}` },
    { kind: 'huge:statements', origin: '(generated)', fileName: 'huge.ts', text: PG_HEAD + statements + PG_TAIL },
    { kind: 'huge:folded samples', origin: '(generated)', fileName: 'huge.js', text: folded.replace(/;\n/g, '; ') },
    { kind: 'huge:unterminated template', origin: '(generated)', fileName: 'huge.ts', text: `${PG_HEAD}const s = \`${'y'.repeat(1_000_000)}` },
  ];
}
