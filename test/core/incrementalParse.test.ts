import assert from 'node:assert/strict';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { analyzeFile } from '../../src/core/analyze';
import { IncrementalParser, type ParseKind } from '../../src/core/incrementalParse';
import { ParseFailure, parseSource } from '../../src/core/parse';
import { RULES } from '../../src/core/rules';
import { linkParents } from '../../src/core/traverse';
import type { AnalyzeOptions, RuleId, SeveritySetting } from '../../src/core/types';
import { loadSamples, type Sample } from './fuzz/corpus';
import { Random } from './fuzz/prng';

/**
 * The editor's incremental parse against a parse from scratch, over seeded edits of real code: the same
 * tree (every property but `parent`, ranges and locations included), the same node list, the same
 * findings. POOL_LENS_INCREMENTAL_SEED replays a run, POOL_LENS_INCREMENTAL_EDITS sets the edits per sample.
 */
const SEED = Number(process.env.POOL_LENS_INCREMENTAL_SEED ?? Date.now() % 2 ** 32);
const EDITS_PER_SAMPLE = Number(process.env.POOL_LENS_INCREMENTAL_EDITS ?? 12);

const ALL_RULES = Object.fromEntries(RULES.map((rule) => [rule.id, 'warning'])) as Partial<Record<RuleId, SeveritySetting>>;
const OPTIONS: AnalyzeOptions = { rules: ALL_RULES, gate: false };

/** What typing, pasting and deleting put into code, including the pieces that break statements apart. */
const SNIPPETS = [
  'x', ' ', '\n', '\r\n', ';', '}', '{', '(', ')', '[', ']', ',', '.', '"', "'", '`', '/*', '*/', '//', '\n//', '=>',
  'await ', 'return;', 'return ', 'throw error;', 'client.release();\n', 'const t = 1;\n', 'if (a) ', 'else ', 'export ',
  'import y from "y";\n', 'in ', 'as any', "'use strict';\n", 'import.meta', '\u2028', 'let\n', '(x)', '\nfoo()', 'function g() {}\n',
  '@dec ', '<div>{a}</div>', 'finally { client.release(); }', 'try {', 'async ', '\uFEFF', 'done();',
];

function edit(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  switch (random.int(4)) {
    case 0:
    case 1:
      return text.slice(0, at) + random.pick(SNIPPETS) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random.int(12)));
    default: {
      const from = random.int(text.length + 1);
      return text.slice(0, at) + text.slice(from, from + random.int(40)) + text.slice(at);
    }
  }
}

/** The tree as data: every property but the parent links, in a stable order. */
function treeText(ast: TSESTree.Program): string {
  return JSON.stringify(ast, (key, value: unknown) => (key === 'parent' ? undefined : value));
}

function nodeListText(nodes: readonly TSESTree.Node[]): string {
  return nodes.map((node) => `${node.type}@${node.range[0]}-${node.range[1]}:${node.loc.start.line}.${node.loc.start.column}`).join('|');
}

/** Equal texts, or a failure that shows where they part (the whole of two trees would bury it). */
function assertSameText(actual: string, expected: string, message: string): void {
  if (actual === expected) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  const around = (text: string) => text.slice(Math.max(0, at - 200), at + 200);
  assert.fail(`${message}, from character ${at}:\n  got:      …${around(actual)}…\n  expected: …${around(expected)}…`);
}

function parsesFresh(text: string, fileName: string): TSESTree.Program | ParseFailure {
  try {
    return parseSource(text, fileName);
  } catch (error) {
    if (error instanceof ParseFailure) return error;
    throw error;
  }
}

/** Edits one sample `EDITS_PER_SAMPLE` times in a row, checking each version; returns what each parse did. */
function checkSample(sample: Sample, random: Random): ParseKind[] {
  const parser = new IncrementalParser(sample.fileName);
  const kinds: ParseKind[] = [];
  let text = sample.text;
  let lastParsed = text;
  for (let step = 0; step <= EDITS_PER_SAMPLE; step++) {
    // Half the time an edit that broke the code is undone first, as a user fixes a typo: the walk keeps
    // reaching code that parses, where the statement path runs.
    if (step > 0) text = edit(random, text !== lastParsed && random.chance(0.5) ? lastParsed : text);
    const where = `${sample.origin}, edit ${step} (replay with POOL_LENS_INCREMENTAL_SEED=${SEED})`;
    const fresh = parsesFresh(text, sample.fileName);
    let incremental: ReturnType<IncrementalParser['parse']>;
    try {
      incremental = parser.parse(text);
    } catch (error) {
      assert.ok(error instanceof ParseFailure, `${where}: ${String(error)}`);
      assert.ok(fresh instanceof ParseFailure, `${where}: the incremental parse failed (${error.reason}) where a full parse succeeds`);
      assert.equal(error.reason, fresh.reason, where);
      continue;
    }
    assert.ok(!(fresh instanceof ParseFailure), `${where}: the incremental parse (${parser.lastKind}) succeeded where a full parse fails: ${fresh instanceof ParseFailure ? fresh.reason : ''}`);
    kinds.push(parser.lastKind);
    lastParsed = text;
    const freshNodes = linkParents(fresh);
    assertSameText(treeText(incremental.ast), treeText(fresh), `${where}: the ${parser.lastKind} parse built another tree`);
    assertSameText(nodeListText(incremental.nodes), nodeListText(freshNodes), `${where}: another node list`);
    for (const node of incremental.nodes) {
      if (node.type !== 'Program') assert.ok(incremental.nodes.includes(node.parent), `${where}: a ${node.type} whose parent is not in the tree`);
    }
    const fromIncremental = analyzeFile(text, sample.fileName, OPTIONS, () => parser.parse(text));
    const fromScratch = analyzeFile(text, sample.fileName, OPTIONS);
    assert.deepEqual(fromIncremental, fromScratch, `${where}: other findings`);
  }
  return kinds;
}

describe('incremental parse', function () {
  this.timeout(180_000);

  it('gives the tree, node list and findings of a parse from scratch after every seeded edit', () => {
    const random = new Random(SEED);
    const counts: Record<ParseKind, number> = { full: 0, statement: 0, unchanged: 0 };
    for (const sample of loadSamples()) {
      for (const kind of checkSample(sample, random)) counts[kind]++;
    }
    if (process.env.POOL_LENS_INCREMENTAL_REPORT) console.log(counts);
    // The test proves nothing if the statement path never runs.
    assert.ok(counts.statement > counts.full / 10, `only ${counts.statement} statement re-parses against ${counts.full} full parses`);
  });

  it('re-parses only the statement typed in, and moves the rest of the file', () => {
    const before = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      '',
      'export async function load(id: number) {',
      '  const client = await pool.connect();',
      '  try {',
      "    const { rows } = await client.query('SELECT * FROM t WHERE id = $1', [id]);",
      '    return rows;',
      '  } finally {',
      '  }',
      '}',
      '',
      'export async function count() {',
      '  const client = await pool.connect();',
      '  try {',
      "    return await client.query('SELECT count(*) FROM t');",
      '  } finally {',
      '    client.release();',
      '  }',
      '}',
      '',
    ].join('\n');
    const parser = new IncrementalParser('service.ts');
    const first = analyzeFile(before, 'service.ts', {}, () => parser.parse(before));
    assert.equal(parser.lastKind, 'full');
    assert.ok(first.findings.some((finding) => finding.ruleId === 'leaked-client'));

    // Typing the missing release, one new line inside the first function.
    const after = before.replace('  } finally {\n  }', '  } finally {\n    client.release();\n  }');
    const second = analyzeFile(after, 'service.ts', {}, () => parser.parse(after));
    assert.equal(parser.lastKind, 'statement');
    assert.deepEqual(
      second.findings.map((finding) => finding.ruleId),
      first.findings.map((finding) => finding.ruleId).filter((id) => id !== 'leaked-client'),
    );
    const { ast } = parser.parse(after);
    const count = ast.body[3];
    assert.equal(after.slice(count.range[0], count.range[0] + 'export async function count'.length), 'export async function count');
    assert.equal(count.loc.start.line, 14);
  });

  it('parses the whole file when the statement typed in has decorators before its export', () => {
    const before = "import { Module } from '@nestjs/common';\n\n@Module({ providers: [] })\nexport class DatabaseModule {}\n";
    const parser = new IncrementalParser('module.ts');
    parser.parse(before);
    const after = before.replace('DatabaseModule', 'DbModule');
    const { ast } = parser.parse(after);
    assert.equal(parser.lastKind, 'full');
    const exported = ast.body[1];
    assert.ok(exported.type === 'ExportNamedDeclaration' && exported.declaration?.type === 'ClassDeclaration');
    assert.equal(exported.declaration.decorators.length, 1);
  });

  it('parses the whole file when an edit removes the end of a statement', () => {
    const before = 'const a = b;\n(c || d)();\n';
    const parser = new IncrementalParser('x.js');
    parser.parse(before);
    // Without the semicolon, the next line calls b: one statement, not two.
    const after = 'const a = b\n(c || d)();\n';
    const { ast } = parser.parse(after);
    assert.equal(parser.lastKind, 'full');
    assert.equal(ast.body.length, 1);
  });
});
