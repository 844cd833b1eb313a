import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ClientMentions } from './clientMentions';
import { isEscapingReference, isReleaseCall, releaseSites, type TrackedClient } from './clientUse';
import { isFunction, isInNestedFunction, type FunctionNode } from './functions';
import { lineEndingOf } from './lineEnding';
import { lineIndexOf } from './lines';
import { propertyName, unwrap } from './pgModel';
import { walk } from './traverse';
import type { Fix, Range, RuleContext, TextEdit } from './types';

type Node = TSESTree.Node;

const RELEASE_IN_FINALLY = 'Release the client in a finally block';
const USE_POOL_QUERY = 'Use pool.query() instead';

/** Widest indentation unit believed; wider leading space is alignment, not nesting. */
const MAX_INDENT_UNIT = 8;

/**
 * Wraps everything after `const client = await pool.connect();` up to the end of its block in
 * `try { … } finally { client.release(); }`, moving the releases already there into the finally.
 * Undefined when that could change more than the release (a release with an argument, the client
 * handed on, a release in a spot a deletion would break) or when the layout is unusual. `mentions`
 * are the client's in the checkout's function (it has no release function of its own here).
 */
export function releaseInFinallyFix(
  ctx: RuleContext,
  declarator: TSESTree.VariableDeclarator,
  name: string,
  mentions: ClientMentions,
): Fix | undefined {
  const declaration = declarator.parent;
  if (declaration?.type !== 'VariableDeclaration' || declaration.declarations.length !== 1) return undefined;
  const block = declaration.parent;
  if (block?.type !== 'BlockStatement') return undefined;
  const index = block.body.indexOf(declaration);
  const moved = block.body.slice(index + 1);
  if (moved.length === 0 || moved.some((statement) => statement.type === 'FunctionDeclaration')) return undefined;

  const { text } = ctx;
  // Computed once per analysis: recomputing them per finding made a file's fixes cost O(findings × size).
  const starts = ctx.lineStarts;
  const first = moved[0];
  const firstLine = lineStartOf(starts, first.range[0]);
  const indent = text.slice(firstLine, first.range[0]);
  if (!/^[ \t]*$/.test(indent) || declaration.range[1] > firstLine) return undefined;

  const client: TrackedClient = { name, releaseFunctions: new Set() };
  const region: Range = [first.range[0], moved[moved.length - 1].range[1]];
  const removal = plannedRemovals(ctx, moved, client, starts, mentions);
  if (!removal || clientHandedOn(region, mentions)) return undefined;

  // A release right after the checkout would leave the try's first line to a deleted statement.
  if (removal.removedStatements.has(first)) return undefined;
  const kept = moved.filter((statement) => !removal.removedStatements.has(statement));
  const last = kept[kept.length - 1];

  const unit = indentUnit(text, starts, block, indent);
  const eol = lineEndingOf(ctx.ast, text);
  const edits: TextEdit[] = [{ range: [firstLine, firstLine], text: `${indent}try {${eol}${unit}` }];
  // A template literal starts with a backtick: a region without one has none to walk for.
  const templates = text.slice(region[0], region[1]).includes('`') ? templateRanges(moved) : [];
  // Only the lines of the region: walking every line of the file per finding was quadratic.
  for (let line = lineIndexOf(starts, firstLine) + 1; line < starts.length && starts[line] <= region[1]; line++) {
    const start = starts[line];
    if (isBlankLine(text, start)) continue;
    if (templates.some(([from, to]) => from < start && start < to)) continue;
    if (removal.edits.some(({ range }) => range[0] <= start && start < range[1])) continue;
    edits.push({ range: [start, start], text: unit });
  }
  edits.push(...removal.edits);
  const rest = text.slice(last.range[1], lineEndOf(text, last.range[1]));
  const closeAt = /^\s*\/\/.*$/.test(rest) ? last.range[1] + rest.length : last.range[1];
  edits.push({
    range: [closeAt, closeAt],
    text: `${eol}${indent}} finally {${eol}${indent}${unit}${name}.release();${eol}${indent}}`,
  });
  return { title: RELEASE_IN_FINALLY, edits };
}

interface Removals {
  edits: TextEdit[];
  removedStatements: Set<Node>;
}

/**
 * How to take the existing releases out: a statement on its own line goes with its line; a finally
 * left empty goes whole (or, without a catch, its try is unwrapped). Undefined when a release sits
 * somewhere that cannot be removed cleanly.
 */
function plannedRemovals(
  ctx: RuleContext,
  moved: readonly Node[],
  client: TrackedClient,
  starts: readonly number[],
  mentions: ClientMentions,
): Removals | undefined {
  const statements: TSESTree.ExpressionStatement[] = [];
  for (const statement of moved) {
    for (const site of releaseSites(statement, client, mentions)) {
      if (site.type !== 'CallExpression' || site.arguments.length > 0 || isInNestedFunction(site, statement)) return undefined;
      const holder = outerStatement(site);
      if (!holder || holder.parent?.type !== 'BlockStatement') return undefined;
      statements.push(holder);
    }
  }
  const edits: TextEdit[] = [];
  const removedStatements = new Set<Node>();
  const emptied = new Set<TSESTree.BlockStatement>();
  for (const statement of statements) {
    const block = statement.parent as TSESTree.BlockStatement;
    const isFinalizer = block.parent?.type === 'TryStatement' && block.parent.finalizer === block;
    if (isFinalizer && block.body.every((item) => statements.includes(item as TSESTree.ExpressionStatement))) {
      emptied.add(block);
      continue;
    }
    removedStatements.add(statement);
    edits.push({ range: statementRemovalRange(ctx.text, statement, starts), text: '' });
  }
  for (const finalizer of emptied) {
    const tryStatement = finalizer.parent as TSESTree.TryStatement;
    const comments = ctx.ast.comments ?? [];
    if (tryStatement.handler) {
      const from = tryStatement.handler.range[1];
      if (comments.some((comment) => comment.range[0] >= from && comment.range[1] <= finalizer.range[1])) return undefined;
      edits.push({ range: [from, finalizer.range[1]], text: '' });
      continue;
    }
    // `try { … } finally { client.release(); }` with nothing else: the outer finally replaces it.
    const inner = tryStatement.block.body;
    if (inner.length === 0 || tryStatement.parent?.type !== 'BlockStatement') return undefined;
    const keptFrom = inner[0].range[0];
    const keptTo = inner[inner.length - 1].range[1];
    const outside = comments.some(
      (comment) =>
        comment.range[0] >= tryStatement.range[0] &&
        comment.range[1] <= tryStatement.range[1] &&
        (comment.range[1] <= keptFrom || comment.range[0] >= keptTo),
    );
    if (outside) return undefined;
    edits.push({ range: tryStatement.range, text: ctx.text.slice(keptFrom, keptTo) });
  }
  return { edits: withoutNested(edits), removedStatements };
}

/**
 * The client returned, stored or assigned in the moved statements (their region: only blanks, comments
 * and semicolons lie between them): a finally would release a client someone else now owns.
 */
function clientHandedOn(region: Range, mentions: ClientMentions): boolean {
  return mentions.clientReferences({ range: region }).some((reference) => {
    if (!isEscapingReference(reference)) return false;
    const parent = reference.parent;
    return !(parent?.type === 'CallExpression' && parent.callee !== reference);
  });
}

/**
 * `const client = await pool.connect(); const r = await client.query(…); client.release();` becomes
 * `const r = await pool.query(…);`: the pool checks out, queries and releases on every path itself.
 */
export function poolQueryFix(
  ctx: RuleContext,
  connect: TSESTree.CallExpression,
  declarator: TSESTree.VariableDeclarator,
  name: string,
  root: FunctionNode | TSESTree.Program,
  mentions: ClientMentions,
): Fix | undefined {
  const declaration = declarator.parent;
  if (declaration?.type !== 'VariableDeclaration' || declaration.declarations.length !== 1) return undefined;
  const block = declaration.parent;
  if (block?.type !== 'BlockStatement' && block?.type !== 'Program') return undefined;
  const body = block.body as Node[];
  const index = body.indexOf(declaration);
  const [query, release] = [body[index + 1], body[index + 2]];
  if (!query || !release) return undefined;
  const client: TrackedClient = { name, releaseFunctions: new Set() };
  if (release.type !== 'ExpressionStatement' || !isReleaseCall(release.expression, client)) return undefined;
  if ((unwrap(release.expression) as TSESTree.CallExpression).arguments.length > 0) return undefined;

  const call = awaitedQueryCall(query, name);
  const pool = ctx.model.poolOf(connect);
  if (!call || !pool || !isPlainReference(pool)) return undefined;
  if (mentions.clientReferences(root).length !== 3) return undefined;
  const comments = ctx.ast.comments ?? [];
  const between = (from: number, to: number) => comments.some((comment) => comment.range[0] >= from && comment.range[1] <= to);
  if (between(declaration.range[0], query.range[0]) || between(query.range[1], release.range[1])) return undefined;

  const object = (call.callee as TSESTree.MemberExpression).object;
  return {
    title: USE_POOL_QUERY,
    edits: [
      { range: [declaration.range[0], query.range[0]], text: '' },
      { range: object.range, text: ctx.textOf(pool) },
      { range: [query.range[1], release.range[1]], text: '' },
    ],
  };
}

/** `await client.query(…)` as a statement or as the only initialiser of a declaration. */
function awaitedQueryCall(statement: Node, name: string): TSESTree.CallExpression | undefined {
  let expression: Node | undefined;
  if (statement.type === 'ExpressionStatement') expression = statement.expression;
  else if (statement.type === 'VariableDeclaration' && statement.declarations.length === 1) expression = statement.declarations[0].init ?? undefined;
  if (!expression) return undefined;
  const awaited = unwrap(expression);
  if (awaited.type !== 'AwaitExpression') return undefined;
  const call = awaited.argument;
  if (call.type !== 'CallExpression' || call.optional) return undefined;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.optional || propertyName(callee) !== 'query') return undefined;
  if (callee.object.type !== 'Identifier' || callee.object.name !== name) return undefined;
  if (call.arguments.some((arg) => isFunction(arg))) return undefined;
  return call;
}

/** `pool`, `this.pool`, `db.pools.blog`: safe to evaluate at another point than the checkout. */
function isPlainReference(node: Node): boolean {
  if (node.type === 'Identifier' || node.type === 'ThisExpression') return true;
  return node.type === 'MemberExpression' && !node.computed && isPlainReference(node.object);
}

function outerStatement(site: Node): TSESTree.ExpressionStatement | undefined {
  let current: Node = site;
  while (current.parent?.type === 'ChainExpression' || current.parent?.type === 'AwaitExpression') current = current.parent;
  return current.parent?.type === 'ExpressionStatement' ? current.parent : undefined;
}

/** A statement alone on its line goes with the whole line; otherwise only its own text. */
function statementRemovalRange(text: string, statement: Node, starts: readonly number[]): Range {
  const lineStart = lineStartOf(starts, statement.range[0]);
  const lineEnd = lineEndOf(text, statement.range[1]);
  const aloneOnLine = /^[ \t]*$/.test(text.slice(lineStart, statement.range[0])) && /^[ \t]*$/.test(text.slice(statement.range[1], lineEnd));
  if (!aloneOnLine) return statement.range;
  const next = text.startsWith('\r\n', lineEnd) ? lineEnd + 2 : lineEnd < text.length ? lineEnd + 1 : lineEnd;
  return [lineStart, next];
}

function withoutNested(edits: TextEdit[]): TextEdit[] {
  return edits.filter(
    (edit) =>
      !edits.some(
        (other) =>
          other !== edit &&
          other.range[0] <= edit.range[0] &&
          edit.range[1] <= other.range[1] &&
          (other.range[0] !== edit.range[0] || other.range[1] !== edit.range[1]),
      ),
  );
}

/** Ranges of multi-line template literals: their inner lines are string content, not indentation. */
function templateRanges(statements: readonly Node[]): Range[] {
  const ranges: Range[] = [];
  for (const statement of statements) {
    walk(statement, (node) => {
      if (node.type === 'TemplateLiteral') ranges.push(node.range);
      return undefined;
    });
  }
  return ranges;
}

/**
 * The file's indentation unit. Best read off the block itself: how much deeper its statements sit
 * than the line that opens it. Otherwise a tab, or the smallest run of leading spaces on a code line
 * (lines of block comments, ` * …`, do not count), or 2 when nothing says.
 */
function indentUnit(text: string, starts: readonly number[], block: Node, inner: string): string {
  const openingLine = lineStartOf(starts, block.range[0]);
  const outer = /^[ \t]*/.exec(text.slice(openingLine, block.range[0]))![0];
  if (inner.length > outer.length && inner.startsWith(outer)) return inner.slice(outer.length);
  let smallest = Number.POSITIVE_INFINITY;
  for (const match of text.matchAll(/^([ \t]+)[^\s*]/gm)) {
    const leading = match[1];
    if (leading.startsWith('\t')) return '\t';
    if (leading.length < smallest) smallest = leading.length;
  }
  return ' '.repeat(Number.isFinite(smallest) && smallest <= MAX_INDENT_UNIT ? smallest : 2);
}

function lineStartOf(starts: readonly number[], offset: number): number {
  return starts[lineIndexOf(starts, offset)];
}

function lineEndOf(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return end;
}

function isBlankLine(text: string, start: number): boolean {
  return /^[ \t]*$/.test(text.slice(start, lineEndOf(text, start)));
}
