import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ClientMentions } from './clientMentions';
import { isFunction, isReference, outerExpression } from './functions';
import { propertyName, unwrap } from './pgModel';
import { walk } from './traverse';

type Node = TSESTree.Node;

/**
 * The client a checkout hands out, as the code names it: the variable that holds it and the functions
 * whose call gives it back to the pool (`done` in callback style, local helpers that release it).
 */
export interface TrackedClient {
  /** The variable holding the client, when there is one. */
  name: string | undefined;
  /** Names whose call releases the client. */
  releaseFunctions: ReadonlySet<string>;
}

/** `client.release(...)`, `client?.release(...)`, `done(...)`, or a call to a local helper that releases. */
export function isReleaseCall(node: Node, client: TrackedClient): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = unwrap(node.callee);
  if (callee.type === 'Identifier') return client.releaseFunctions.has(callee.name);
  return callee.type === 'MemberExpression' && propertyName(callee) === 'release' && isClient(callee.object, client);
}

/**
 * The release handed on as a value, to be called later by someone else: `done` passed as a callback,
 * `client.release` or `client.release.bind(client)` as an argument.
 */
export function isReleaseReference(node: Node, client: TrackedClient): boolean {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return client.releaseFunctions.has(inner.name);
  if (inner.type === 'MemberExpression') return propertyName(inner) === 'release' && isClient(inner.object, client);
  if (inner.type === 'CallExpression') {
    const callee = unwrap(inner.callee);
    return callee.type === 'MemberExpression' && propertyName(callee) === 'bind' && isReleaseReference(callee.object, client);
  }
  return false;
}

export function isClient(node: Node, client: TrackedClient): boolean {
  const inner = unwrap(node);
  return client.name !== undefined && inner.type === 'Identifier' && inner.name === client.name;
}

/**
 * Every place under `root` that releases the client or hands its release on, nested functions included.
 * With `mentions` (of this client, or of one with more release functions) the walk skips the subtrees
 * that cannot hold a release, which is most of a function.
 */
export function releaseSites(root: Node, client: TrackedClient, mentions?: ClientMentions): Node[] {
  const sites: Node[] = [];
  walk(root, (node) => {
    if (mentions && !mentions.mayRelease(node)) return false;
    if (isReleaseCall(node, client)) {
      sites.push(node);
      return false;
    }
    if (node.parent?.type === 'CallExpression' && node.parent.callee !== node && isReleaseReference(node, client)) {
      sites.push(node);
      return false;
    }
    return undefined;
  });
  return sites;
}

/**
 * Local functions declared directly in `root` (`function cleanup() {…}`, `const cleanup = () => …`) whose
 * body releases the client: calling them releases it too.
 */
export function localReleasers(root: Node, client: TrackedClient, mentions?: ClientMentions): Set<string> {
  const names = new Set<string>();
  const body = isFunction(root) ? root.body : root;
  if (body.type !== 'BlockStatement' && body.type !== 'Program') return names;
  for (const statement of body.body) {
    if (statement.type === 'FunctionDeclaration' && statement.id && releaseSites(statement.body, client, mentions).length > 0) {
      names.add(statement.id.name);
    } else if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        const init = declarator.init && unwrap(declarator.init);
        if (declarator.id.type === 'Identifier' && init && isFunction(init) && releaseSites(init.body, client, mentions).length > 0) {
          names.add(declarator.id.name);
        }
      }
    }
  }
  return names;
}

/**
 * Whether a reference to `name` lets the value go somewhere else: returned, passed as an argument,
 * stored in a property or another variable, put in an array or object. Using it (`client.query()`)
 * or testing it (`if (client)`, `client && …`, `!client`, `client == null`) does not.
 */
export function isEscapingReference(node: TSESTree.Identifier): boolean {
  const current = outerExpression(node);
  const parent = current.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object !== current;
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'IfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'SwitchStatement':
      return false;
    case 'ConditionalExpression':
      return parent.test !== current;
    case 'ForStatement':
      return parent.test !== current;
    case 'LogicalExpression':
      return !(parent.left === current && parent.operator === '&&');
    case 'VariableDeclarator':
      return parent.init === current;
    case 'AssignmentExpression':
      return parent.right === current;
    default:
      return true;
  }
}

/** Whether the client (or its release function) escapes anywhere under `root`, nested functions included. */
export function clientEscapes(root: Node, client: TrackedClient, mentions?: ClientMentions): boolean {
  let escapes = false;
  walk(root, (node) => {
    if (escapes || (mentions && !mentions.mayMention(node))) return false;
    if (node.type === 'Identifier' && isReference(node) && !isParameter(node) && isEscapingReference(node)) {
      if ((client.name !== undefined && node.name === client.name) || client.releaseFunctions.has(node.name)) escapes = true;
    }
    return undefined;
  });
  return escapes;
}

function isParameter(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  return parent !== undefined && isFunction(parent) && (parent.params as Node[]).includes(node);
}
