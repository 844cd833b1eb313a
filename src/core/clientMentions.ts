import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { TrackedClient } from './clientUse';
import { referenceIndex } from './functions';
import { propertyName } from './pgModel';
import { firstStartingAt } from './sourceOrder';
import { treeCache } from './treeCaches';

type Node = TSESTree.Node;

/**
 * Where the code under one checkout's scope names its client: answers "can this subtree release the
 * client, or mention it at all?" by a binary search instead of a walk of the subtree.
 *
 * The flow interpreter and the fixes asked those questions with a walk of every statement and call
 * they met (several walks per statement); on pool-dense code that was a large part of their time, and
 * the answer is almost always no. Every yes of the walks they guard needs an identifier under the node:
 * a release call or a release handed on (`client.release`, `done`, a local releaser) needs the
 * client's name in front of `.release` or a release function's name, and a mention needs the name.
 * These are references, so the file's shared reference index holds them all, in source order.
 */
export interface ClientMentions {
  /** Whether the node holds a reference to the client or one of its release functions. False means none for sure. */
  mayMention(node: Node): boolean;
  /** Whether the node holds `client.release` (through casts) or a release function's name. False means no release site under it. */
  mayRelease(node: Node): boolean;
  /**
   * The references to the client's variable within a node's range (or any range), in source order: for
   * a statement or function, what `referencesTo` finds under it (an identifier lies under such a node
   * exactly when its range lies within the node's; checked on the fuzz inputs and the bench corpus).
   * Not for an identifier itself: the key and the value of a shorthand `{ client }` share one range.
   */
  clientReferences(within: { range: TSESTree.Range }): readonly TSESTree.Identifier[];
}

export function clientMentions(scope: Node, client: TrackedClient): ClientMentions {
  const index = referenceIndex(programOf(scope));
  const [from, to] = scope.range;
  const mentioned: number[] = [];
  const releasing: number[] = [];
  let ofClient: readonly TSESTree.Identifier[] = [];
  const names = client.name === undefined ? [...client.releaseFunctions] : [client.name, ...client.releaseFunctions];
  for (const name of names) {
    const isReleaseFunction = client.releaseFunctions.has(name);
    const references = inSourceOrder(index.get(name) ?? []);
    // A file has one list per name (every `client` of every function): search the scope's part of it.
    const first = firstStartingAt(references, from);
    let end = first;
    for (; end < references.length && references[end].range[0] < to; end++) {
      const start = references[end].range[0];
      mentioned.push(start);
      if (isReleaseFunction || isReleaseMemberObject(references[end])) releasing.push(start);
    }
    if (name === client.name) ofClient = references.slice(first, end);
  }
  // Each name's part is in order already; only a client with release functions merges several parts.
  if (names.length > 1) {
    mentioned.sort(byNumber);
    releasing.sort(byNumber);
  }
  return {
    mayMention: (node) => anyWithin(mentioned, node.range),
    mayRelease: (node) => anyWithin(releasing, node.range),
    clientReferences: ({ range }) => {
      const first = firstStartingAt(ofClient, range[0]);
      let end = first;
      while (end < ofClient.length && ofClient[end].range[0] < range[1]) end++;
      return ofClient.slice(first, end);
    },
  };
}

/** `client.release`, `client!.release`, `(client as PoolClient)['release']`: the object of a `.release` member. */
function isReleaseMemberObject(reference: TSESTree.Identifier): boolean {
  let current: Node = reference;
  while (current.parent && isWrapper(current.parent) && current.parent.expression === current) current = current.parent;
  const parent = current.parent;
  return parent?.type === 'MemberExpression' && parent.object === current && propertyName(parent) === 'release';
}

/** The wrappers `unwrap` looks through. */
function isWrapper(
  node: Node,
): node is
  | TSESTree.TSAsExpression
  | TSESTree.TSSatisfiesExpression
  | TSESTree.TSNonNullExpression
  | TSESTree.TSTypeAssertion
  | TSESTree.ChainExpression {
  switch (node.type) {
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'ChainExpression':
      return true;
    default:
      return false;
  }
}

function programOf(node: Node): Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/** Whether a sorted list holds an offset in [start, end). */
function anyWithin(sorted: readonly number[], [start, end]: TSESTree.Range): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < start) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] < end;
}

/**
 * The index lists references in the order its walk met them, which is source order as long as every
 * node's children are visited left to right; checked once per list rather than assumed.
 */
const sortedLists = treeCache<readonly TSESTree.Identifier[], readonly TSESTree.Identifier[]>();
function inSourceOrder(references: readonly TSESTree.Identifier[]): readonly TSESTree.Identifier[] {
  let sorted = sortedLists.get(references);
  if (!sorted) {
    const ordered = references.every((reference, i) => i === 0 || references[i - 1].range[0] <= reference.range[0]);
    sorted = ordered ? references : [...references].sort((a, b) => a.range[0] - b.range[0]);
    sortedLists.set(references, sorted);
  }
  return sorted;
}

function byNumber(a: number, b: number): number {
  return a - b;
}
