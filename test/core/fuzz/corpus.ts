import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import { walk } from '../../../src/core/traverse';

/** One real source text the fuzzer mutates. */
export interface Sample {
  /** Where it came from, for failure messages. */
  origin: string;
  /** The file name the analyzer is given; its extension picks the dialect. */
  fileName: string;
  text: string;
}

const ROOT = join(__dirname, '..', '..', '..');

/** Real pg-using files shipped in node_modules: the pool itself and the client it hands out. */
const PACKAGE_FILES = ['node_modules/pg-pool/index.js', 'node_modules/pg/lib/client.js', 'node_modules/pg/lib/index.js'];

/**
 * The code samples of the rule tests (every `code:` string or template without substitutions, with the
 * case's `fileName` when it has one), the fixture workspaces' sources, and a few files of pg itself.
 */
export function loadSamples(): Sample[] {
  const samples: Sample[] = [];
  const ruleTests = join(ROOT, 'test', 'core', 'rules');
  for (const name of readdirSync(ruleTests).filter((file) => file.endsWith('.test.ts')).sort()) {
    samples.push(...ruleTestSamples(join(ruleTests, name)));
  }
  for (const file of sourceFilesUnder(join(ROOT, 'test', 'fixtures'))) {
    samples.push({ origin: relative(ROOT, file), fileName: relative(ROOT, file), text: readFileSync(file, 'utf8') });
  }
  for (const file of PACKAGE_FILES) {
    samples.push({ origin: file, fileName: file, text: readFileSync(join(ROOT, file), 'utf8') });
  }
  samples.push(...EXTRA_SAMPLES);
  return samples;
}

/**
 * Shapes the files above lack. A shebang script that also exports is a script only because of its
 * shebang, so a byte-order mark in front of the shebang must not change what is reported.
 */
const EXTRA_SAMPLES: Sample[] = [
  {
    origin: '(fuzz corpus) shebang script with an export',
    fileName: 'bin/report.ts',
    text: `#!/usr/bin/env node
// A CLI that also exports its entry point for tests.
const { Pool } = require('pg');
const pool = new Pool();

export async function run() {
  await pool.query('SELECT 1');
}

run();
`,
  },
];

function ruleTestSamples(file: string): Sample[] {
  const ast = parse(readFileSync(file, 'utf8'), { range: true, loc: true });
  const samples: Sample[] = [];
  walk(ast, (node) => {
    if (node.type !== 'ObjectExpression') return;
    const code = stringProperty(node, 'code');
    if (code === undefined) return;
    samples.push({
      origin: `${relative(ROOT, file)}:${node.loc.start.line}`,
      fileName: stringProperty(node, 'fileName') ?? 'file.ts',
      text: code,
    });
  });
  return samples;
}

function stringProperty(object: TSESTree.ObjectExpression, key: string): string | undefined {
  for (const property of object.properties) {
    if (property.type !== 'Property' || property.key.type !== 'Identifier' || property.key.name !== key) continue;
    const value = property.value;
    if (value.type === 'Literal' && typeof value.value === 'string') return value.value;
    if (value.type === 'TemplateLiteral' && value.expressions.length === 0) return value.quasis[0].value.cooked ?? undefined;
  }
  return undefined;
}

function sourceFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFilesUnder(path));
    else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}
