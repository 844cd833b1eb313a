import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { declaredNames, enclosingFunction, isFunction, referencesTo } from './functions';
import { lineEndingOf } from './lineEnding';
import { positionOf } from './lines';
import { propertyName, unwrap } from './pgModel';
import { firstStatementOf } from './sqlStatements';
import { walk } from './traverse';
import type { Fix, RuleContext, TextEdit } from './types';

type Node = TSESTree.Node;

/** The name the rewrite gives the checked-out client. */
const CLIENT_NAME = 'client';

/**
 * Rewrites `await pool.query('BEGIN'); …; await pool.query('COMMIT');`, written as statements of one
 * block, into a transaction on one checked-out client:
 * `const client = await pool.connect(); try { BEGIN … COMMIT } catch (err) { ROLLBACK; throw err; } finally { client.release(); }`.
 * Undefined unless every use of the pool in between is an awaited `pool.query(…)` the rewrite can
 * move to the client, nothing declared in between is used after it, and the layout is plain.
 */
export function poolTransactionFix(ctx: RuleContext, begin: TSESTree.CallExpression): Fix | undefined {
  const pool = poolIdentifier(begin);
  if (!pool) return undefined;
  const beginStatement = awaitedStatement(begin);
  const list = beginStatement && statementList(beginStatement);
  if (!beginStatement || !list) return undefined;
  const from = list.indexOf(beginStatement);
  const to = list.findIndex((statement, index) => index > from && isAwaitedPoolQuery(statement, pool.name, 'end'));
  if (to === -1) return undefined;
  const region = list.slice(from, to + 1);
  const after = list.slice(to + 1);
  const root = enclosingFunction(begin) ?? ctx.ast;

  if (region.some((statement) => statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration')) return undefined;
  if (referencesTo(CLIENT_NAME, root).length > 0) return undefined;
  const poolReferences = region.flatMap((statement) => referencesTo(pool.name, statement));
  const queries = poolReferences.map(movableQuery);
  if (queries.some((query) => query === undefined)) return undefined;
  // A ROLLBACK or COMMIT sent through the pool elsewhere (say in a catch) would stay on the pool.
  const movedQueries = new Set(queries);
  if (poolTransactionCallsIn(root, pool.name).some((call) => !movedQueries.has(call))) return undefined;
  const declared = new Set(region.flatMap((statement) => declaredNames(statement)));
  if (after.some((statement) => [...declared].some((name) => referencesTo(name, statement).length > 0))) return undefined;

  const { text } = ctx;
  const starts = ctx.lineStarts;
  const first = region[0];
  const last = region[region.length - 1];
  const firstLine = lineStartOf(starts, first.range[0]);
  const indent = text.slice(firstLine, first.range[0]);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const restOfLastLine = text.slice(last.range[1], lineEnd(text, last.range[1]));
  if (restOfLastLine.trim() !== '') return undefined;

  const unit = indentUnit(text, starts, first, indent);
  const eol = lineEndingOf(ctx.ast, text);
  const quote = quoteOf(text, begin);
  const edits: TextEdit[] = [
    { range: [firstLine, firstLine], text: `${indent}const ${CLIENT_NAME} = await ${pool.name}.connect();${eol}${indent}try {${eol}${unit}` },
  ];
  const templates = templateRanges(region);
  for (let line = lineIndex(starts, firstLine) + 1; line < starts.length && starts[line] <= last.range[1]; line++) {
    const start = starts[line];
    if (/^[ \t]*(?:\r?\n|$)/.test(text.slice(start, lineEnd(text, start) + 1))) continue;
    if (templates.some(([open, close]) => open < start && start < close)) continue;
    edits.push({ range: [start, start], text: unit });
  }
  for (const reference of poolReferences) edits.push({ range: reference.range, text: CLIENT_NAME });
  edits.push({
    range: [last.range[1], last.range[1]],
    text:
      `${eol}${indent}} catch (err) {${eol}${indent}${unit}await ${CLIENT_NAME}.query(${quote}ROLLBACK${quote});${eol}` +
      `${indent}${unit}throw err;${eol}${indent}} finally {${eol}${indent}${unit}${CLIENT_NAME}.release();${eol}${indent}}`,
  });
  return { title: `Run the transaction on one client from ${pool.name}.connect()`, edits: sortedWithoutClash(edits) };
}

function poolIdentifier(call: TSESTree.CallExpression): TSESTree.Identifier | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || callee.optional) return undefined;
  return callee.object.type === 'Identifier' ? callee.object : undefined;
}

/** `await x.query(…);` as a statement of its own: the statement. */
function awaitedStatement(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | undefined {
  const awaited = call.parent;
  const statement = awaited?.parent;
  return awaited?.type === 'AwaitExpression' && statement?.type === 'ExpressionStatement' ? statement : undefined;
}

function statementList(statement: Node): Node[] | undefined {
  const parent = statement.parent;
  if (parent?.type === 'BlockStatement' || parent?.type === 'Program') return parent.body as Node[];
  return undefined;
}

function isAwaitedPoolQuery(statement: Node, pool: string, kind: 'end'): boolean {
  if (statement.type !== 'ExpressionStatement' || statement.expression.type !== 'AwaitExpression') return false;
  const call = statement.expression.argument;
  if (call.type !== 'CallExpression' || poolIdentifier(call)?.name !== pool || !isQueryCall(call)) return false;
  const sql = firstStatementOf(call);
  return sql?.kind === kind && !sql.rollback;
}

function isQueryCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && propertyName(callee) === 'query';
}

/** The awaited `pool.query(…)` call a pool reference is the object of, outside nested functions. */
function movableQuery(reference: TSESTree.Identifier): TSESTree.CallExpression | undefined {
  const member = reference.parent;
  const call = member?.parent;
  if (member?.type !== 'MemberExpression' || member.object !== reference || member.optional) return undefined;
  if (call?.type !== 'CallExpression' || call.callee !== member || !isQueryCall(call)) return undefined;
  if (call.parent?.type !== 'AwaitExpression') return undefined;
  for (let current: Node | undefined = call.parent; current && current.type !== 'ExpressionStatement'; current = current.parent) {
    if (isFunction(current)) return undefined;
  }
  return enclosingFunction(call) === enclosingFunction(reference) ? call : undefined;
}

function poolTransactionCallsIn(root: Node, pool: string): TSESTree.CallExpression[] {
  const found: TSESTree.CallExpression[] = [];
  walk(root, (node) => {
    if (node.type === 'CallExpression' && poolIdentifier(node)?.name === pool && isQueryCall(node)) {
      const kind = firstStatementOf(node)?.kind;
      if (kind === 'begin' || kind === 'end' || kind === 'savepoint') found.push(node);
    }
  });
  return found;
}

function templateRanges(nodes: readonly Node[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const root of nodes) {
    walk(root, (node) => {
      if (node.type === 'TemplateLiteral') ranges.push(node.range);
    });
  }
  return ranges;
}

function quoteOf(text: string, call: TSESTree.CallExpression): string {
  const argument = call.arguments[0];
  const opening = argument ? text[argument.range[0]] : "'";
  return opening === '"' ? '"' : "'";
}

/** One level of indentation: the step from the block's opening line to its statements, else two spaces. */
function indentUnit(text: string, starts: readonly number[], first: Node, indent: string): string {
  const owner = first.parent;
  if (owner?.type === 'BlockStatement') {
    const ownerLine = lineStartOf(starts, owner.range[0]);
    const ownerIndent = /^[ \t]*/.exec(text.slice(ownerLine))?.[0] ?? '';
    const step = indent.startsWith(ownerIndent) ? indent.slice(ownerIndent.length) : '';
    if (step !== '' && step.length <= 8) return step;
  }
  return indent.includes('\t') ? '\t' : '  ';
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  const stop = end === -1 ? text.length : end;
  return text[stop - 1] === '\r' ? stop - 1 : stop;
}

function lineIndex(starts: readonly number[], offset: number): number {
  return positionOf(starts, offset).line - 1;
}

function lineStartOf(starts: readonly number[], offset: number): number {
  return starts[lineIndex(starts, offset)];
}

/** Insertions at one offset keep the order they were made in. */
function sortedWithoutClash(edits: TextEdit[]): TextEdit[] {
  return edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.range[0] - b.edit.range[0] || a.index - b.index).map(({ edit }) => edit);
}
