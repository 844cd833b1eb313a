import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { checkoutFlow } from '../checkoutFlow';
import { clientEscapes } from '../clientUse';
import { poolQueryFix, releaseInFinallyFix } from '../clientFixes';
import type { Leak, LeakCause } from '../flow';
import { enclosingFunction, isFunction, outerExpression, type FunctionNode } from '../functions';
import { propertyName, unwrap } from '../pgModel';
import { defineRule, type Fix, type RelatedInfo, type RuleContext } from '../types';

type Node = TSESTree.Node;

/** How the code takes the client from the pool. */
type Checkout =
  | { form: 'variable'; name: string; declarator?: TSESTree.VariableDeclarator }
  | { form: 'callback'; callback: FunctionNode }
  | { form: 'then'; callback: FunctionNode; name: string }
  | { form: 'discarded' };

/** A client handed to a callback: `pool.connect((err, client, done) => …)` or `.then((client) => …)`. */
interface HeldByCallback {
  callback: FunctionNode;
  clientName: string | undefined;
  doneName?: string;
  errorName?: string;
  /** A `.then` callback: throws inside it reject the chain. */
  promise: boolean;
}

type MessageKind = 'throws' | 'rejects' | 'exit' | 'branch' | 'somePath' | 'never';

/** Callback style names `done` (or the release) as what is missing rather than the client. */
const CALLBACK_MESSAGES: Record<MessageKind, string> = {
  throws: 'callbackThrows',
  rejects: 'callbackThrows',
  exit: 'callbackExit',
  branch: 'callbackBranch',
  somePath: 'callbackSomePath',
  never: 'callbackNever',
};

/** Longest callee text quoted in a message before it is shortened to its method name. */
const MAX_QUOTED_CALLEE = 40;
/** Releases pointed at as related locations; more would only repeat the point. */
const MAX_RELATED_RELEASES = 3;

export default defineRule({
  id: 'leaked-client',
  meta: {
    type: 'problem',
    description: 'A client from pool.connect() must be released on every path, or it holds a pool slot forever.',
    messages: {
      throws: 'Client from {{acquire}} leaks if {{call}} on line {{line}} throws: release it in a finally block.',
      rejects: 'Client from {{acquire}} leaks if {{call}} on line {{line}} rejects: release it in a .finally() callback.',
      exit: 'Client from {{acquire}} leaks on the {{exit}} on line {{line}}: release it in a finally block.',
      branch: 'Client from {{acquire}} leaks when the condition on line {{line}} skips the release: release it in a finally block.',
      somePath: 'Client from {{acquire}} is not released on every path: release it in a finally block.',
      never: 'Client from {{acquire}} is never released: call {{release}} in a finally block.',
      discarded: 'The client from this checkout is discarded and never released: use {{pool}}.query() for a single query.',
      callbackThrows: '{{release}} is not called if {{call}} on line {{line}} throws, so the client from {{acquire}} leaks.',
      callbackExit: '{{release}} is not called on the {{exit}} on line {{line}}, so the client from {{acquire}} leaks.',
      callbackBranch: '{{release}} is not called when the condition on line {{line}} skips it, so the client from {{acquire}} leaks.',
      callbackSomePath: '{{release}} is not called on every path, so the client from {{acquire}} leaks.',
      callbackNever: '{{release}} is never called, so the client from {{acquire}} leaks.',
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    const acquireText = (connect: TSESTree.CallExpression) => `${calleeText(ctx, connect.callee) ?? 'pool.connect'}()`;

    function reportVariable(connect: TSESTree.CallExpression, checkout: Extract<Checkout, { form: 'variable' }>): void {
      const root = enclosingFunction(connect) ?? ctx.ast;
      const flow = checkoutFlow(connect, { form: 'variable', root, name: checkout.name });
      const { client, sites } = flow;
      let leak: Leak | undefined;
      if (sites.length === 0) {
        // Handed to something else (returned, stored, passed on) with no release here: that owner releases it.
        if (clientEscapes(root, client, flow.mentions)) return;
      } else {
        leak = pickLeak(flow.run().leaks);
        if (!leak) return;
      }
      const fixes: Fix[] = [];
      if (checkout.declarator && client.releaseFunctions.size === 0) {
        const finallyFix = releaseInFinallyFix(ctx, checkout.declarator, checkout.name, flow.mentions);
        if (finallyFix) fixes.push(finallyFix);
        const queryFix = poolQueryFix(ctx, connect, checkout.declarator, checkout.name, root, flow.mentions);
        if (queryFix) fixes.push(queryFix);
      }
      report(connect, leak, sites, 'direct', `${checkout.name}.release()`, fixes);
    }

    function reportCallback(connect: TSESTree.CallExpression, held: HeldByCallback): void {
      const { callback, clientName, doneName, errorName, promise } = held;
      const flow = checkoutFlow(connect, { form: 'callback', callback, name: clientName, done: doneName, error: errorName, promise });
      const { client, sites } = flow;
      const release = doneName ? `${doneName}()` : `${clientName ?? 'client'}.release()`;
      const style = promise ? 'promise' : 'callback';
      if (sites.length === 0) {
        if (clientEscapes(callback.body, client, flow.mentions)) return;
        return report(connect, undefined, sites, style, release, []);
      }
      const leak = pickLeak(flow.run().leaks);
      if (leak) report(connect, leak, sites, style, release, []);
    }

    function report(
      connect: TSESTree.CallExpression,
      leak: Leak | undefined,
      releases: Node[],
      style: 'direct' | 'callback' | 'promise',
      release: string,
      fixes: Fix[],
    ): void {
      const data: Record<string, string | number> = { acquire: acquireText(connect), release };
      const related: RelatedInfo[] = [];
      let messageId: MessageKind;
      const cause = leak?.cause;
      if (!leak) {
        messageId = 'never';
      } else if (!cause) {
        messageId = 'somePath';
      } else {
        data.line = ctx.lineOf(cause.node.range[0]);
        messageId = messageFor(cause, style);
        if (cause.kind === 'throws' || cause.kind === 'rejects') data.call = describeThrower(ctx, cause.node);
        if (cause.kind === 'exit') data.exit = cause.keyword === 'return' && cause.early ? 'early return' : cause.keyword;
        related.push({ range: cause.node.range, message: witnessMessage(cause, style) });
      }
      if (leak) {
        for (const site of releases.slice(0, MAX_RELATED_RELEASES)) {
          related.push({ range: site.range, message: 'Released here, but not on that path.' });
        }
      }
      ctx.report({ node: connect, messageId: style === 'callback' ? CALLBACK_MESSAGES[messageId] : messageId, data, related, fixes });
    }

    return {
      CallExpression(node) {
        if (!ctx.model.isConnectCall(node)) return;
        const checkout = classifyCheckout(node);
        if (!checkout) return;
        switch (checkout.form) {
          case 'discarded':
            ctx.report({ node, messageId: 'discarded', data: { pool: poolText(ctx, node) } });
            return;
          case 'variable':
            return reportVariable(node, checkout);
          case 'then':
            return reportCallback(node, { callback: checkout.callback, clientName: checkout.name, promise: true });
          case 'callback': {
            const [errorName, clientName, doneName] = checkout.callback.params.map((param) => (param.type === 'Identifier' ? param.name : undefined));
            return reportCallback(node, { callback: checkout.callback, clientName, doneName, errorName, promise: false });
          }
        }
      },
    };
  },
});

function classifyCheckout(connect: TSESTree.CallExpression): Checkout | undefined {
  const [first] = connect.arguments;
  if (first) {
    const callback = unwrap(first);
    return isFunction(callback) ? { form: 'callback', callback } : undefined;
  }
  const outer = outerExpression(connect);
  const parent = outer.parent;
  if (!parent) return undefined;
  if (parent.type === 'ExpressionStatement') return { form: 'discarded' };
  if (parent.type === 'MemberExpression' && parent.object === outer) return classifyPromiseChain(outer);
  if (parent.type !== 'AwaitExpression') return undefined;
  const awaited = outerExpression(parent);
  const holder = awaited.parent;
  switch (holder?.type) {
    case 'ExpressionStatement':
      return { form: 'discarded' };
    case 'MemberExpression':
      // `(await pool.connect()).query(…)`: the client is used once and dropped.
      return holder.object === awaited ? { form: 'discarded' } : undefined;
    case 'VariableDeclarator':
      return holder.init === awaited && holder.id.type === 'Identifier'
        ? { form: 'variable', name: holder.id.name, declarator: holder }
        : undefined;
    case 'AssignmentExpression': {
      const target = unwrap(holder.left);
      return holder.right === awaited && holder.operator === '=' && target.type === 'Identifier'
        ? { form: 'variable', name: target.name }
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `pool.connect().then((client) => …)`, following `.catch()`/`.finally()` steps that pass the client
 * through. A chain that ends in a statement without ever taking the client drops it:
 * `pool.connect().then(() => console.log('connected')).catch(…)` is the classic startup check that leaks.
 */
function classifyPromiseChain(promise: Node): Checkout | undefined {
  let current = promise;
  for (;;) {
    const member = current.parent;
    const call = member?.parent;
    if (member?.type !== 'MemberExpression' || member.object !== current || call?.type !== 'CallExpression' || call.callee !== member) {
      const holder = current.parent?.type === 'AwaitExpression' ? outerExpression(current.parent).parent : current.parent;
      return holder?.type === 'ExpressionStatement' ? { form: 'discarded' } : undefined;
    }
    const method = propertyName(member);
    if (method === 'then') {
      const fn = call.arguments[0] && unwrap(call.arguments[0]);
      if (!fn || !isFunction(fn)) return undefined;
      const param = fn.params[0];
      if (param === undefined) return { form: 'discarded' };
      return param.type === 'Identifier' ? { form: 'then', callback: fn, name: param.name } : undefined;
    }
    if (method !== 'catch' && method !== 'finally') return undefined;
    current = outerExpression(call);
  }
}

/** Paths the code takes normally (returns, branches) come before paths through an exception. */
function pickLeak(leaks: Leak[]): Leak | undefined {
  const rank = (leak: Leak) => (!leak.cause ? 2 : leak.cause.kind === 'exit' || leak.cause.kind === 'branch' ? 0 : 1);
  const position = (leak: Leak) => leak.cause?.node.range[0] ?? Number.MAX_SAFE_INTEGER;
  return [...leaks].sort((a, b) => rank(a) - rank(b) || position(a) - position(b))[0];
}

function messageFor(cause: LeakCause, style: 'direct' | 'callback' | 'promise'): MessageKind {
  switch (cause.kind) {
    case 'throws':
    case 'rejects':
      if (style === 'callback') return 'throws';
      return style === 'promise' || cause.kind === 'rejects' ? 'rejects' : 'throws';
    case 'exit':
    case 'branch':
      return cause.kind;
  }
}

function witnessMessage(cause: LeakCause, style: 'direct' | 'callback' | 'promise'): string {
  switch (cause.kind) {
    case 'throws':
      return style === 'promise' ? 'Can reject here while the client is held.' : 'Can throw here while the client is held.';
    case 'rejects':
      return 'Can reject here while the client is held.';
    case 'exit':
      return `Leaves here (${cause.keyword}) while the client is held.`;
    case 'branch':
      return 'This condition can skip the release.';
  }
}

/** How a message names the thing that may throw: `client.query()`, `new Foo()`, `the await`. */
function describeThrower(ctx: RuleContext, node: Node): string {
  switch (node.type) {
    case 'CallExpression':
      return `${calleeText(ctx, node.callee) ?? 'a call'}()`;
    case 'NewExpression':
      return `new ${calleeText(ctx, node.callee) ?? 'object'}()`;
    case 'TaggedTemplateExpression':
      return `${calleeText(ctx, node.tag) ?? 'the tagged template'}\`…\``;
    case 'ImportExpression':
      return 'import()';
    case 'YieldExpression':
      return 'the yield';
    default:
      return 'the await';
  }
}

function calleeText(ctx: RuleContext, callee: Node): string | undefined {
  const text = ctx.textOf(callee).replace(/\s+/g, '');
  if (text.length <= MAX_QUOTED_CALLEE && !text.includes('(')) return text;
  const inner = unwrap(callee);
  if (inner.type === 'MemberExpression') return propertyName(inner);
  return inner.type === 'Identifier' ? inner.name : undefined;
}

function poolText(ctx: RuleContext, connect: TSESTree.CallExpression): string {
  const pool = ctx.model.poolOf(connect);
  return (pool && calleeText(ctx, pool)) ?? 'pool';
}
