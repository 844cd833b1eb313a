import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ListenerScan, isModuleExports, listenerTarget, memberName, type ListenerState } from '../errorListeners';
import { hasRuntimeExports } from '../functions';
import { keyName, unwrap } from '../pgModel';
import { moduleKey, type ProjectFacts } from '../project';
import { defineRule, type Fix, type RuleContext } from '../types';

type Node = TSESTree.Node;

/** Where a new pool ends up, which decides where its listener may be. */
type Binding =
  | { kind: 'name'; name: string }
  /** `receiver`: how code reaches the pool (`this.pool`, `db.pool`), for the message and the fix. */
  | { kind: 'property'; name: string; private: boolean; receiver: string }
  | { kind: 'export'; names: string[] }
  /** Chained `new Pool().on('error', …)`, or handed on in a way only the project could tell (`unknown`). */
  | { kind: 'settled'; state: ListenerState };

const LISTENER_MESSAGE = 'Unexpected error on idle PostgreSQL client';

export default defineRule({
  id: 'missing-error-handler',
  meta: {
    type: 'problem',
    description: "A pool with no 'error' listener anywhere in the project: an idle client's connection error then crashes the process.",
    messages: {
      noListener:
        "This pool has no 'error' listener: when an idle client loses its connection (server restart, failover, network drop), the pool emits 'error' and Node.js ends the process. Add {{name}}.on('error', …) where the pool is created.",
      noListenerInProject:
        "This pool is exported as {{exports}}, but no module of the project adds an 'error' listener to it: when an idle client loses its connection, the pool emits 'error' and Node.js ends the process. Add {{name}}.on('error', …) where the pool is created.",
    },
    hasFixes: true,
    defaultSeverity: 'warning',
  },
  create(ctx) {
    if (ctx.model.poolCreations.length === 0) return {};
    /** Listener calls and CommonJS export assignments, gathered by the analysis' one traversal. */
    const candidates: Node[] = [];
    const gather = (node: Node): void => {
      candidates.push(node);
    };
    return {
      CallExpression: gather,
      AssignmentExpression: gather,
      'Program:exit'(program) {
        const scan = new ListenerScan(program).addNodes(candidates);
        let exportsAtRunTime: boolean | undefined;
        const exportsSomething = () => (exportsAtRunTime ??= hasRuntimeExports(program));

        for (const creation of ctx.model.poolCreations) {
          const binding = bindingOf(creation, ctx);
          if (localState(binding, scan, exportsSomething) !== 'none') continue;
          const exported = binding.kind === 'name' ? (scan.exportNames.get(binding.name) ?? []) : binding.kind === 'export' ? binding.names : [];
          const name = binding.kind === 'name' ? binding.name : binding.kind === 'property' ? binding.receiver : 'pool';
          const fixes = listenerFix(ctx, creation, binding);
          if (exported.length === 0) {
            ctx.report({ node: creation, messageId: 'noListener', data: { name }, fixes });
          } else if (listenedNowhere(ctx.project, moduleKey(ctx.fileName), exported)) {
            const exports = exported.map((exportName) => `'${exportName}'`).join(', ');
            ctx.report({ node: creation, messageId: 'noListenerInProject', data: { name, exports }, fixes });
          }
        }
      },
    };
  },
});

/** What a `new Pool()` is stored in, looking through `??`, `||`, `?:`, casts, `await` and chained listener calls. */
function bindingOf(creation: TSESTree.NewExpression, ctx: RuleContext): Binding {
  let current: Node = creation;
  let parent: Node | undefined = current.parent;
  for (;;) {
    if (!parent) return { kind: 'settled', state: 'none' };
    if (isTransparent(parent, current)) {
      current = parent;
      parent = parent.parent;
      continue;
    }
    // `new Pool().on('connect', …).on('error', …)`: each listener call returns the pool.
    if (parent.type === 'MemberExpression' && parent.object === current && parent.parent?.type === 'CallExpression' && parent.parent.callee === parent) {
      const call = parent.parent;
      if (listenerTarget(call)) return { kind: 'settled', state: 'listened' };
      if (/^(?:on|once|addListener|prependListener|prependOnceListener)$/.test(memberName(parent) ?? '')) {
        current = call;
        parent = call.parent;
        continue;
      }
      return { kind: 'settled', state: 'none' };
    }
    break;
  }
  switch (parent.type) {
    case 'VariableDeclarator':
      return parent.init === current && parent.id.type === 'Identifier' ? { kind: 'name', name: parent.id.name } : { kind: 'settled', state: 'unknown' };
    case 'AssignmentExpression': {
      if (parent.right !== current) return { kind: 'settled', state: 'unknown' };
      const target = unwrap(parent.left);
      if (target.type === 'Identifier') return { kind: 'name', name: target.name };
      if (target.type === 'MemberExpression') {
        if (isModuleExports(target)) return { kind: 'export', names: ['default'] };
        const object = unwrap(target.object);
        const name = memberName(target);
        if (name === undefined) return { kind: 'settled', state: 'unknown' };
        if (object.type === 'Identifier' && object.name === 'exports') return { kind: 'export', names: [name] };
        if (object.type === 'MemberExpression' && isModuleExports(object)) return { kind: 'export', names: [name] };
        return { kind: 'property', name, private: name.startsWith('#'), receiver: ctx.textOf(target) };
      }
      return { kind: 'settled', state: 'unknown' };
    }
    case 'PropertyDefinition': {
      const name = parent.key.type === 'PrivateIdentifier' ? `#${parent.key.name}` : keyName(parent.key);
      if (name === undefined || parent.value !== current) return { kind: 'settled', state: 'unknown' };
      return { kind: 'property', name, private: name.startsWith('#') || parent.accessibility === 'private', receiver: `this.${name}` };
    }
    case 'Property': {
      const name = keyName(parent.key);
      const object = parent.parent;
      const assignment = object?.parent;
      const isModuleExportsObject =
        assignment?.type === 'AssignmentExpression' && assignment.right === object && unwrap(assignment.left).type === 'MemberExpression' && isModuleExports(unwrap(assignment.left) as TSESTree.MemberExpression);
      if (name !== undefined && isModuleExportsObject) return { kind: 'export', names: [name] };
      // An object literal that holds a pool goes wherever the object goes: usually to a library (`drizzle({ client })`).
      return { kind: 'settled', state: 'unknown' };
    }
    case 'ExportDefaultDeclaration':
      return { kind: 'export', names: ['default'] };
    case 'ExpressionStatement':
      // Created and dropped: nobody can add a listener later.
      return { kind: 'settled', state: 'none' };
    default:
      // A return value, a call argument, an array element: the code that receives it may add the listener.
      return { kind: 'settled', state: 'unknown' };
  }
}

function isTransparent(parent: Node, child: Node): boolean {
  switch (parent.type) {
    case 'LogicalExpression':
    case 'AwaitExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
      return true;
    case 'ConditionalExpression':
      return parent.test !== child;
    case 'SequenceExpression':
      return parent.expressions[parent.expressions.length - 1] === child;
    default:
      return false;
  }
}

/** What the file itself says about the pool's listener. */
function localState(binding: Binding, scan: ListenerScan, exportsSomething: () => boolean): ListenerState {
  switch (binding.kind) {
    case 'settled':
      return binding.state;
    case 'name':
      return scan.stateOfName(binding.name);
    case 'property':
      if (scan.listenedProperties.has(binding.name)) return 'listened';
      // A private field is only reachable from its class, which is in this file; any other holder may be reached from modules that import this one.
      return binding.private || !exportsSomething() ? 'none' : 'unknown';
    case 'export':
      return 'none';
  }
}

/**
 * Whether the project facts know that no module listens to the pool under any of its export names.
 * Without listener facts, or with an incomplete index, nobody can tell: the pool is not reported.
 */
function listenedNowhere(project: ProjectFacts | undefined, key: string, exportNames: readonly string[]): boolean {
  if (!project?.complete || !project.poolErrorListeners || project.unresolvedErrorListeners) return false;
  const listened = project.poolErrorListeners.get(key);
  return exportNames.every((name) => !listened?.has(name));
}

/**
 * Adds a logging listener on the line after the statement that creates the pool, in the file's
 * indentation, quotes and semicolon style. Only where that statement runs once with the pool (a
 * statement of a block or of the module), so the listener is added once per pool.
 */
function listenerFix(ctx: RuleContext, creation: TSESTree.NewExpression, binding: Binding): Fix[] | undefined {
  const target = fixTarget(ctx, creation, binding);
  if (!target) return undefined;
  const { statement, receiver } = target;
  const holder = statement.parent;
  if (holder?.type !== 'Program' && holder?.type !== 'BlockStatement' && holder?.type !== 'StaticBlock') return undefined;
  const text = ctx.text;
  const lineStart = ctx.lineStarts[ctx.lineOf(statement.range[0]) - 1];
  const indent = text.slice(lineStart, statement.range[0]);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const lineEnd = text.indexOf('\n', statement.range[1]);
  // Something else after the statement on its line (a comment is fine to keep above the listener).
  const rest = text.slice(statement.range[1], lineEnd < 0 ? text.length : lineEnd);
  if (!/^\s*(?:\/\/.*)?$/.test(rest)) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indentUnit(text);
  const quote = quoteOf(ctx);
  const semi = /;\s*$/.test(ctx.textOf(statement)) ? ';' : '';
  const at = lineEnd < 0 ? text.length : lineEnd > 0 && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const listener =
    `${eol}${indent}${receiver}.on(${quote}error${quote}, (err) => {${eol}` +
    `${indent}${unit}console.error(${quote}${LISTENER_MESSAGE}${quote}, err)${semi || ';'}${eol}` +
    `${indent}})${semi}`;
  return [{ title: "Add a pool.on('error') listener that logs the error", edits: [{ range: [at, at], text: listener }] }];
}

/** The statement after which the listener goes, and the expression it is added to. */
function fixTarget(ctx: RuleContext, creation: TSESTree.NewExpression, binding: Binding): { statement: Node; receiver: string } | undefined {
  let node: Node | undefined = creation.parent;
  while (node && node.type !== 'VariableDeclaration' && node.type !== 'ExpressionStatement' && node.type !== 'ExportDefaultDeclaration') {
    if (node.type.endsWith('Statement') || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') return undefined;
    node = node.parent;
  }
  if (!node || node.type === 'ExportDefaultDeclaration') return undefined;
  if (node.type === 'VariableDeclaration' && node.parent?.type === 'ExportNamedDeclaration') node = node.parent;
  if (binding.kind === 'name') return { statement: node, receiver: binding.name };
  if (binding.kind === 'property' && node.type === 'ExpressionStatement' && node.expression.type === 'AssignmentExpression') {
    return { statement: node, receiver: binding.receiver };
  }
  if (binding.kind === 'export' && node.type === 'ExpressionStatement' && node.expression.type === 'AssignmentExpression' && binding.names[0] !== 'default') {
    return { statement: node, receiver: ctx.textOf(node.expression.left) };
  }
  return undefined;
}

/** The smallest indentation step used in the file: two spaces when nothing is indented. */
function indentUnit(text: string): string {
  let smallest: string | undefined;
  for (const match of text.matchAll(/^([ \t]+)[^\s*]/gm)) {
    const indent = match[1];
    if (indent.startsWith('\t')) return '\t';
    if (smallest === undefined || indent.length < smallest.length) smallest = indent;
  }
  return smallest !== undefined && smallest.length <= 8 ? smallest : '  ';
}

/** The quote of the file's first string literal (its imports, usually). */
function quoteOf(ctx: RuleContext): string {
  const first = /(['"])(?:pg|pg-pool)\1/.exec(ctx.text) ?? /(['"])/.exec(ctx.text);
  return first?.[1] ?? "'";
}
