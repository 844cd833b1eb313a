import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { contains, enclosingFunction, isFunction, isInNestedFunction, outerExpression, type FunctionNode } from '../functions';
import { lineEndingOf } from '../lineEnding';
import { positionOf } from '../lines';
import { propertyName, unwrap } from '../pgModel';
import { firstStatementOf, transactionBoundaryOf } from '../sqlStatements';
import { walk } from '../traverse';
import { defineRule, type Fix, type RuleContext } from '../types';

type Node = TSESTree.Node;

export default defineRule({
  id: 'missing-rollback',
  meta: {
    type: 'problem',
    description: 'A transaction on a client whose error path neither rolls back nor has the pool discard the client.',
    messages: {
      noRollback:
        'The transaction begun with {{client}}.query() is not rolled back when a statement in it fails: the client goes back to the pool inside an aborted transaction. Send ROLLBACK in the catch, or release it with {{client}}.release(err) so the pool discards it.',
      rollbackSkipsRelease:
        'If the ROLLBACK on line {{line}} fails (say the connection broke), the catch never reaches {{client}}.release() and the client leaks: release it in a finally block.',
      releasedWithoutError:
        'If the ROLLBACK on line {{line}} fails, its error is swallowed and {{client}}.release() returns the client to the pool without knowing the transaction may still be open: pass the error, {{client}}.release(err), so the pool discards the client.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    return {
      CallExpression(node) {
        const client = queryTarget(node);
        if (!client || ctx.model.isPool(client) || transactionBoundaryOf(node) !== 'begin') return;
        const root = enclosingFunction(node) ?? ctx.ast;
        const tries = transactionTries(node, root);
        // No try in sight: whoever called this function handles the error; the rule cannot see it.
        if (tries.length === 0) return;
        const errorPaths = tries.flatMap((tryStatement) => [tryStatement.handler?.body, tryStatement.finalizer].filter(isPresent));
        const rollback = errorPaths.map((block) => firstRollback(block, client.name)).find(isPresent);
        if (errorPaths.some((block) => destroysClient(block, client.name))) return;
        if (rollback) {
          const handler = tries.find((tryStatement) => tryStatement.handler && contains(tryStatement.handler, rollback))?.handler;
          const releasedLater = handler && releaseAfter(handler.body, rollback, client.name);
          const finallyRelease = tries.map((tryStatement) => tryStatement.finalizer && releaseAfter(tryStatement.finalizer, undefined, client.name)).find(isPresent);
          const line = ctx.lineOf(rollback.range[0]);
          const failure = handler ? rollbackFailure(rollback, handler.body) : 'escapes';
          if (failure === 'swallowed' && (releasedLater || finallyRelease)) {
            const release = (releasedLater ?? finallyRelease)!;
            const fix = handler && releasedLater ? releaseWithErrorFix(ctx, handler, releasedLater) : undefined;
            ctx.report({
              node,
              messageId: 'releasedWithoutError',
              data: { client: client.name, line },
              related: [{ range: release.range, message: 'Released without the error here.' }],
              fixes: fix ? [fix] : [],
            });
          } else if (failure !== 'swallowed' && releasedLater && !finallyRelease) {
            ctx.report({
              node,
              messageId: 'rollbackSkipsRelease',
              data: { client: client.name, line },
              related: [{ range: releasedLater.range, message: 'Skipped when the ROLLBACK throws.' }],
            });
          }
          return;
        }
        const fixes = [rollbackFix(ctx, node, client.name, tries[0], root)];
        // A catch that releases the client itself can hand the error over instead: the pool then closes the connection.
        const handler = tries[0].handler;
        const plainRelease = handler && releaseAfter(handler.body, undefined, client.name);
        if (handler && plainRelease) fixes.push(releaseWithErrorFix(ctx, handler, plainRelease));
        ctx.report({ node, messageId: 'noRollback', data: { client: client.name }, fixes: fixes.filter(isPresent) });
      },
    };
  },
});

/** `client.query(…)`: the client identifier. */
function queryTarget(call: TSESTree.CallExpression): TSESTree.Identifier | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'query') return undefined;
  const object = unwrap(callee.object);
  return object.type === 'Identifier' ? object : undefined;
}

/**
 * The try statements whose error paths cover the transaction: the first try after the BEGIN's
 * statement in the same block (`BEGIN; try { … }`), then those whose block holds the BEGIN, innermost first.
 */
function transactionTries(begin: Node, root: Node): TSESTree.TryStatement[] {
  const tries: TSESTree.TryStatement[] = [];
  let statement: Node | undefined;
  for (let current: Node = begin; current !== root && current.parent; current = current.parent) {
    const parent: Node = current.parent;
    if (parent.type === 'TryStatement' && parent.block === current) tries.push(parent);
    if (!statement && (parent.type === 'BlockStatement' || parent.type === 'Program')) statement = current;
  }
  if (!statement) return tries;
  const body = (statement.parent as TSESTree.BlockStatement | TSESTree.Program).body as Node[];
  const next = body.slice(body.indexOf(statement) + 1).find((candidate) => candidate.type === 'TryStatement');
  return next ? [next as TSESTree.TryStatement, ...tries] : tries;
}

/** `client.query('ROLLBACK')` (or a `rollback(client)` helper) anywhere in the block. */
function firstRollback(block: Node, client: string): TSESTree.CallExpression | undefined {
  let found: TSESTree.CallExpression | undefined;
  walk(block, (node) => {
    if (found) return false;
    if (node.type !== 'CallExpression') return undefined;
    if (queryTarget(node)?.name === client) {
      const statement = firstStatementOf(node);
      if (statement?.kind === 'end' && statement.rollback) found = node;
    } else if (/rollback/i.test(calleeName(node) ?? '') && node.arguments.some((arg) => isName(arg, client))) {
      found = node;
    }
    return undefined;
  });
  return found;
}

/**
 * What a failing ROLLBACK does inside the catch block: leaves it (`escapes`, also when a handler around
 * it rethrows), or is `swallowed` by `.catch(…)` or a `try`/`catch` around it, and the catch goes on.
 */
function rollbackFailure(rollback: TSESTree.CallExpression, catchBody: TSESTree.BlockStatement): 'escapes' | 'swallowed' {
  const member = outerExpression(rollback).parent;
  if (member?.type === 'MemberExpression' && member.object === outerExpression(rollback) && propertyName(member) === 'catch') {
    const call = member.parent;
    const callback = call?.type === 'CallExpression' && call.callee === member ? call.arguments[0] : undefined;
    return callback && isFunction(callback) && rethrows(callback.body) ? 'escapes' : 'swallowed';
  }
  for (let current: Node = rollback; current !== catchBody && current.parent; current = current.parent) {
    const parent: Node = current.parent;
    if (parent.type === 'TryStatement' && parent.block === current && parent.handler) {
      return rethrows(parent.handler.body) ? 'escapes' : 'swallowed';
    }
  }
  return 'escapes';
}

/** A `throw` in the block, outside nested functions. */
function rethrows(body: Node): boolean {
  let found = false;
  walk(body, (node) => {
    if (found || (node !== body && isFunction(node))) return false;
    if (node.type === 'ThrowStatement') found = true;
    return undefined;
  });
  return found;
}

/**
 * Replaces a plain `client.release()` in the catch with `client.release(err)`, the catch's own error.
 * Only for a release written directly in that catch (not in a nested function) of a catch with a named error.
 */
function releaseWithErrorFix(ctx: RuleContext, handler: TSESTree.CatchClause, release: TSESTree.CallExpression): Fix | undefined {
  if (handler.param?.type !== 'Identifier' || isInNestedFunction(release, handler.body) || release.arguments.length > 0) return undefined;
  const error = handler.param.name;
  // TypeScript types a catch's error as unknown, and release() takes an Error.
  const typed = /\.[cm]?tsx?$/i.test(ctx.fileName) && !handler.param.typeAnnotation;
  const open = release.range[0] + ctx.textOf(release).lastIndexOf('(');
  return {
    title: `Discard the client with ${ctx.textOf(release.callee).replace(/\s+/g, '')}(${error})`,
    edits: [{ range: [open + 1, release.range[1] - 1], text: typed ? `${error} as Error` : error }],
  };
}

/** `client.release(err)`, `client.release(true)` or `client.end()`: the pool will not lend this connection again. */
function destroysClient(block: Node, client: string): boolean {
  let found = false;
  walk(block, (node) => {
    if (found) return false;
    if (node.type !== 'CallExpression') return undefined;
    const callee = unwrap(node.callee);
    if (callee.type !== 'MemberExpression' || !isName(callee.object, client)) return undefined;
    const method = propertyName(callee);
    const [argument] = node.arguments;
    if (method === 'end') found = true;
    if (method === 'release' && argument && !isFalsyLiteral(argument)) found = true;
    return undefined;
  });
  return found;
}

/** The first `client.release()` in the block after `after` (anywhere when undefined). */
function releaseAfter(block: Node, after: Node | undefined, client: string): TSESTree.CallExpression | undefined {
  let found: TSESTree.CallExpression | undefined;
  walk(block, (node) => {
    if (found) return false;
    if (node.type !== 'CallExpression' || (after && node.range[0] < after.range[1])) return undefined;
    const callee = unwrap(node.callee);
    if (callee.type === 'MemberExpression' && propertyName(callee) === 'release' && isName(callee.object, client)) found = node;
    return undefined;
  });
  return found;
}

/**
 * Adds `await client.query('ROLLBACK');` as the first statement of the catch, or, for a try with only a
 * finally, a catch that rolls back and rethrows. Only in an async function, where `await` is allowed
 * and a rejection reaches the catch.
 */
function rollbackFix(
  ctx: RuleContext,
  begin: TSESTree.CallExpression,
  client: string,
  tryStatement: TSESTree.TryStatement,
  root: FunctionNode | TSESTree.Program,
): Fix | undefined {
  if (root.type === 'Program' || !root.async) return undefined;
  if (enclosingFunction(tryStatement) !== root) return undefined;
  const { text } = ctx;
  const quote = text[begin.arguments[0].range[0]] === '"' ? '"' : "'";
  const rollback = `await ${client}.query(${quote}ROLLBACK${quote});`;
  const eol = lineEndingOf(ctx.ast, text);
  const tryIndent = indentOf(ctx, tryStatement.range[0]);
  const firstInBlock = tryStatement.block.body[0];
  if (tryIndent === undefined || !firstInBlock) return undefined;
  const innerIndent = indentOf(ctx, firstInBlock.range[0]);
  if (innerIndent === undefined || !innerIndent.startsWith(tryIndent) || innerIndent === tryIndent) return undefined;
  const title = `Roll back in the catch block`;
  const handler = tryStatement.handler;
  if (handler) {
    const body = handler.body;
    const openBrace = body.range[0] + 1;
    if (body.body.length === 0) {
      return { title, edits: [{ range: [openBrace, body.range[1] - 1], text: `${eol}${innerIndent}${rollback}${eol}${tryIndent}` }] };
    }
    const first = body.body[0];
    const firstIndent = indentOf(ctx, first.range[0]);
    if (firstIndent === undefined) return undefined;
    return { title, edits: [{ range: [first.range[0], first.range[0]], text: `${rollback}${eol}${firstIndent}` }] };
  }
  const name = 'err';
  const unit = innerIndent.slice(tryIndent.length);
  const catchText =
    ` catch (${name}) {${eol}${tryIndent}${unit}${rollback}${eol}${tryIndent}${unit}throw ${name};${eol}${tryIndent}}`;
  return { title, edits: [{ range: [tryStatement.block.range[1], tryStatement.block.range[1]], text: catchText }] };
}

/** The whitespace before a node when it starts its line, else undefined. */
function indentOf(ctx: RuleContext, offset: number): string | undefined {
  const starts = ctx.lineStarts;
  const before = ctx.text.slice(starts[positionOf(starts, offset).line - 1], offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

function calleeName(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  return callee.type === 'MemberExpression' ? propertyName(callee) : undefined;
}

function isName(node: Node, name: string): boolean {
  const inner = unwrap(node);
  return inner.type === 'Identifier' && inner.name === name;
}

function isFalsyLiteral(node: Node): boolean {
  const inner = unwrap(node);
  return (inner.type === 'Literal' && !inner.value) || (inner.type === 'Identifier' && inner.name === 'undefined');
}

function isPresent<T>(value: T | undefined | null): value is T {
  return value !== undefined && value !== null;
}
