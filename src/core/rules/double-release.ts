import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { checkoutFlow, type ClientHolder } from '../checkoutFlow';
import type { ClientMentions } from '../clientMentions';
import { contains, enclosingFunction, isFunction, isInNestedFunction, outerExpression } from '../functions';
import { propertyName, unwrap } from '../pgModel';
import { defineRule, type Fix, type RelatedInfo, type RuleContext, type TextEdit } from '../types';

type Node = TSESTree.Node;

type Event = 'again' | 'used';

export default defineRule({
  id: 'double-release',
  meta: {
    type: 'problem',
    description: 'A pooled client released twice on some path, used after its release, or closed with end() instead of released.',
    messages: {
      again:
        '{{release}} runs again on a path where the client was already released: pg-pool throws "Release called on client which has already been released to the pool."',
      used: '{{call}} runs after the client was released on this path: the connection may already be lent to someone else.',
      end: '{{call}} closes a connection that belongs to the pool: give it back with {{client}}.release(), or {{client}}.release(true) to have the pool discard it.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    function check(connect: TSESTree.CallExpression, holder: ClientHolder): void {
      const flow = checkoutFlow(connect, holder);
      const events = new Map<TSESTree.CallExpression, Event>();
      const releasedWhileHeld = new Set<TSESTree.CallExpression>();
      for (const { kind, site } of flow.run().events) {
        if (kind === 'releasedWhileHeld') releasedWhileHeld.add(site);
        else if (kind === 'releasedAgain') events.set(site, 'again');
        // `client.end()` has a finding of its own, released or not.
        else if (!events.has(site) && !isEndCall(site)) events.set(site, 'used');
      }
      const scope = holder.form === 'variable' ? holder.root : holder.callback;
      const sites = flow.sites;
      for (const [site, event] of events) {
        if (inEventListener(site, scope)) continue;
        const earlier = sites.filter((other) => other !== site && other.range[1] <= site.range[0]).pop();
        const related: RelatedInfo[] = earlier ? [{ range: earlier.range, message: 'Released here first on that path.' }] : [];
        const call = `${calleeText(ctx, site)}()`;
        const fix = event === 'again' ? (keepFinallyFix(ctx, site, sites) ?? (releasedWhileHeld.has(site) ? undefined : removeFix(ctx, site))) : undefined;
        ctx.report({ node: site, messageId: event, data: { release: call, call }, related, fixes: fix ? [fix] : [] });
      }
      if (holder.name) reportEnds(scope, holder.name, flow.mentions);
    }

    /** `client.end()` on a client that came from a pool: found from the references to the client, not by a walk of the scope. */
    function reportEnds(scope: Node, name: string, mentions: ClientMentions): void {
      for (const reference of mentions.clientReferences(scope)) {
        const node = endCallOn(reference);
        if (node) ctx.report({ node, messageId: 'end', data: { call: `${calleeText(ctx, node)}()`, client: name } });
      }
    }

    return {
      CallExpression(node) {
        if (!ctx.model.isConnectCall(node)) return;
        const holder = holderOf(ctx, node);
        if (holder) check(node, holder);
      },
    };
  },
});

function holderOf(ctx: RuleContext, connect: TSESTree.CallExpression): ClientHolder | undefined {
  const [first] = connect.arguments;
  if (first) {
    const callback = unwrap(first);
    if (!isFunction(callback)) return undefined;
    const [error, name, done] = callback.params.map((param) => (param.type === 'Identifier' ? param.name : undefined));
    return { form: 'callback', callback, name, done, error, promise: false };
  }
  const outer = outerExpression(connect);
  const parent = outer.parent;
  if (parent?.type === 'MemberExpression' && parent.object === outer && propertyName(parent) === 'then') {
    const call = parent.parent;
    const callback = call?.type === 'CallExpression' && call.callee === parent && call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
    const param = callback && isFunction(callback) ? callback.params[0] : undefined;
    if (!callback || !isFunction(callback) || param?.type !== 'Identifier') return undefined;
    return { form: 'callback', callback, name: param.name, promise: true };
  }
  if (parent?.type !== 'AwaitExpression') return undefined;
  const awaited = outerExpression(parent);
  const holder = awaited.parent;
  const root = enclosingFunction(connect) ?? ctx.ast;
  if (holder?.type === 'VariableDeclarator' && holder.init === awaited && holder.id.type === 'Identifier') {
    return { form: 'variable', root, name: holder.id.name };
  }
  if (holder?.type === 'AssignmentExpression' && holder.right === awaited && holder.operator === '=') {
    const target = unwrap(holder.left);
    if (target.type === 'Identifier') return { form: 'variable', root, name: target.name };
  }
  return undefined;
}

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

/**
 * Inside a listener (`stream.on('end', () => client.release())`): the flow runs listeners one after the
 * other where they are registered, but 'end' and 'error' listeners are alternatives, not a sequence.
 */
function inEventListener(site: Node, scope: Node): boolean {
  for (let current = site.parent; current && current !== scope; current = current.parent) {
    const call = current.parent;
    if (isFunction(current) && call?.type === 'CallExpression' && call.arguments.includes(current as TSESTree.CallExpressionArgument)) {
      const callee = unwrap(call.callee);
      if (callee.type === 'MemberExpression' && LISTENER_METHODS.has(propertyName(callee) ?? '')) return true;
    }
  }
  return false;
}

/**
 * A release written directly in a `finally` runs on every path: the releases of the same client in that
 * `try` and its `catch` can go. Only when each of them is a plain `client.release()` statement written
 * in the same function: one with an error, `release(err)`, asks the pool to discard the client, and
 * dropping it would change that.
 */
function keepFinallyFix(ctx: RuleContext, site: TSESTree.CallExpression, sites: readonly Node[]): Fix | undefined {
  const statement = releaseStatement(site);
  const block = statement?.parent;
  const tryStatement = block?.parent;
  if (block?.type !== 'BlockStatement' || tryStatement?.type !== 'TryStatement' || tryStatement.finalizer !== block) return undefined;
  const covered = (node: Node) => contains(tryStatement.block, node) || (tryStatement.handler !== null && contains(tryStatement.handler, node));
  const earlier = sites.filter((other) => other !== site && covered(other));
  if (earlier.length === 0) return undefined;
  const statements = earlier.map((other) =>
    other.type === 'CallExpression' && other.arguments.length === 0 && sameCallee(ctx, other, site) && !isInNestedFunction(other, tryStatement)
      ? releaseStatement(other)
      : undefined,
  );
  if (!statements.every(isPresent)) return undefined;
  return { title: 'Release only in the finally block', edits: statements.map((other) => removeStatement(ctx, other)) };
}

/** A plain release that runs only where the client was already released on every path: removing it is safe. */
function removeFix(ctx: RuleContext, site: TSESTree.CallExpression): Fix | undefined {
  const statement = site.arguments.length === 0 ? releaseStatement(site) : undefined;
  if (!statement) return undefined;
  return { title: `Remove the second ${calleeText(ctx, site)}()`, edits: [removeStatement(ctx, statement)] };
}

/** `client.release();` as a statement of its own in a block, which can go without leaving a hole in the syntax. */
function releaseStatement(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | undefined {
  const statement = call.parent;
  if (statement?.type !== 'ExpressionStatement' || statement.expression !== call) return undefined;
  const parent = statement.parent;
  return parent?.type === 'BlockStatement' || parent?.type === 'Program' || parent?.type === 'SwitchCase' ? statement : undefined;
}

/** Removes a statement, with its line when nothing else is on it. */
function removeStatement(ctx: RuleContext, statement: Node): TextEdit {
  const { text } = ctx;
  const lineStart = ctx.lineStarts[ctx.lineOf(statement.range[0]) - 1];
  const newline = text.indexOf('\n', statement.range[1]);
  const lineEnd = newline === -1 ? text.length : newline + 1;
  const alone = text.slice(lineStart, statement.range[0]).trim() === '' && text.slice(statement.range[1], lineEnd).trim() === '';
  if (alone) return { range: [lineStart, lineEnd], text: '' };
  const trailing = /^[ \t]*/.exec(text.slice(statement.range[1]))?.[0].length ?? 0;
  return { range: [statement.range[0], statement.range[1] + trailing], text: '' };
}

function sameCallee(ctx: RuleContext, a: TSESTree.CallExpression, b: TSESTree.CallExpression): boolean {
  return calleeText(ctx, a) === calleeText(ctx, b);
}

function isPresent<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** The call `reference.end(…)`, through the casts and optional chains `unwrap` looks through. */
function endCallOn(reference: TSESTree.Identifier): TSESTree.CallExpression | undefined {
  const member = outerExpression(reference).parent;
  if (member?.type !== 'MemberExpression' || unwrap(member.object) !== reference || propertyName(member) !== 'end') return undefined;
  const call = outerExpression(member).parent;
  return call?.type === 'CallExpression' && unwrap(call.callee) === member ? call : undefined;
}

function isEndCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && propertyName(callee) === 'end';
}

function calleeText(ctx: RuleContext, call: TSESTree.CallExpression): string {
  return ctx.textOf(call.callee).replace(/\s+/g, '');
}
