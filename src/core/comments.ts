import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { positionOf } from './lines';

/**
 * The comments of a parsed file, found by scanning its text. Asking typescript-estree for comments
 * re-scans every token of the file with TypeScript's scanner, which made parsing about a quarter
 * slower; the AST already says where string, template, regular-expression and JSX text lies, and
 * outside those a `//` or `/*` can only start a comment. `nodes` must hold every node of the file.
 */
export function scanComments(text: string, nodes: readonly TSESTree.Node[], starts: readonly number[]): TSESTree.Comment[] {
  const skipped = literalRanges(nodes);
  const comments: TSESTree.Comment[] = [];
  let next = 0;
  // A hashbang line (after a byte-order mark too) is not a comment, and may hold `//`.
  let i = /^\uFEFF?#!/.test(text) ? lineEnd(text, 0) : 0;
  while (i < text.length) {
    const slash = text.indexOf('/', i);
    if (slash < 0 || slash + 1 >= text.length) break;
    while (next < skipped.length && skipped[next][1] <= slash) next++;
    if (next < skipped.length && skipped[next][0] <= slash) {
      i = skipped[next][1];
      continue;
    }
    const after = text.charCodeAt(slash + 1);
    if (after === 47 /* / */) {
      const end = lineEnd(text, slash + 2);
      comments.push(comment('Line', text.slice(slash + 2, end), slash, end, starts));
      i = end;
    } else if (after === 42 /* * */) {
      const close = text.indexOf('*/', slash + 2);
      const end = close < 0 ? text.length : close + 2;
      comments.push(comment('Block', text.slice(slash + 2, close < 0 ? text.length : close), slash, end, starts));
      i = end;
    } else {
      i = slash + 1;
    }
  }
  return comments;
}

/** Source ranges that may hold `//` or `/*` without it being a comment, sorted and disjoint. */
function literalRanges(nodes: readonly TSESTree.Node[]): Array<readonly [number, number]> {
  const ranges: Array<readonly [number, number]> = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.type === 'Literal' || node.type === 'TemplateElement' || node.type === 'JSXText') ranges.push(node.range);
  }
  // Template quasis are listed before the template's expressions, so the node order is not always source order;
  // most files are in order, and the check costs far less than the sort.
  for (let i = 1; i < ranges.length; i++) if (ranges[i - 1][0] > ranges[i][0]) return ranges.sort((x, y) => x[0] - y[0]);
  return ranges;
}

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13 || ch === 0x2028 || ch === 0x2029) return i;
  }
  return text.length;
}

function comment(type: 'Line' | 'Block', value: string, start: number, end: number, starts: readonly number[]): TSESTree.Comment {
  const from = positionOf(starts, start);
  const to = positionOf(starts, end);
  return {
    type,
    value,
    range: [start, end],
    loc: { start: { line: from.line, column: from.column - 1 }, end: { line: to.line, column: to.column - 1 } },
  } as TSESTree.Comment;
}
