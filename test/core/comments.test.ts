import * as assert from 'node:assert/strict';
import { parse } from '@typescript-eslint/typescript-estree';
import { scanComments } from '../../src/core/comments';
import { lineStarts } from '../../src/core/lines';
import { linkParents } from '../../src/core/traverse';

/** The comments typescript-estree itself reports, as `type range line value`. */
function expected(text: string, jsx: boolean): string[] {
  const ast = parse(text, { range: true, loc: true, comment: true, jsx });
  return ast.comments!.map((c) => `${c.type} ${c.range.join('-')} ${c.loc.start.line}:${c.loc.end.line} ${c.value}`);
}

function scanned(text: string, jsx: boolean): string[] {
  const nodes = linkParents(parse(text, { range: true, jsx }));
  return scanComments(text, nodes, lineStarts(text)).map((c) => `${c.type} ${c.range.join('-')} ${c.loc.start.line}:${c.loc.end.line} ${c.value}`);
}

const CASES: Array<{ name: string; code: string; jsx?: boolean }> = [
  { name: 'line and block comments', code: `// a\nconst x = 1; /* b\n c */ const y = 2; // pool-lens-disable-next-line leaked-client\n` },
  { name: 'slashes inside strings are not comments', code: `const url = 'http://x/*y*/'; const z = "//";\n// real\n` },
  { name: 'template text and nested templates', code: 'const t = `a // ${`b /* ${1} */`} c`; /* d */\n' },
  { name: 'regular expressions and division', code: `const r = /\\/\\/x/g; const q = a / b / c; // end\nconst s = a/*mid*/ / 2;\n` },
  { name: 'JSX text holds slashes, JSX comments are comments', code: `const e = <a href="http://x">see http://y {/* note */}</a>; // tail\n`, jsx: true },
  { name: 'hashbang is not a comment', code: `#!/usr/bin/env node\n// first\nconsole.log(1);\n` },
  { name: 'TypeScript string literal types and enums', code: `type U = '//' | "/*"; enum E { A = '//a' } // c\nimport x = require('./y//'); /** doc */\n` },
  { name: 'CRLF line endings and a comment at the very end', code: `const a = 1; // one\r\n/* two */\r\n// three` },
];

describe('scanComments', () => {
  for (const { name, code, jsx = false } of CASES) {
    it(`finds what typescript-estree finds: ${name}`, () => {
      assert.deepEqual(scanned(code, jsx), expected(code, jsx));
    });
  }
});
