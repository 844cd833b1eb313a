import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import { treeCache } from './treeCaches';

/**
 * The node list `linkParents` returned for each program it linked, kept as long as the syntax tree:
 * a question about the whole file (every reference of a name) reads it instead of walking the tree again.
 */
const linkedNodeLists = treeCache<TSESTree.Program, readonly TSESTree.Node[]>();

/** Every node of a program `linkParents` linked, in the order it returned them; undefined for a tree it did not link. */
export function linkedNodes(program: TSESTree.Program): readonly TSESTree.Node[] | undefined {
  return linkedNodeLists.get(program);
}

/**
 * Sets `parent` on every node and returns the nodes in source (pre-)order, the order `walk` visits
 * them in. Iterative, so deeply nested input cannot overflow the stack here.
 */
export function linkParents(program: TSESTree.Program): TSESTree.Node[] {
  const ordered = linkSubtree(program);
  linkedNodeLists.set(program, ordered);
  return ordered;
}

/** `linkParents` for the tree below `root` (root included, its own `parent` left alone). */
export function linkSubtree(root: TSESTree.Node): TSESTree.Node[] {
  const ordered: TSESTree.Node[] = [];
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    ordered.push(node);
    const keys = visitorKeys[node.type] ?? [];
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k]];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) pushChild(stack, child[i], node);
      } else {
        pushChild(stack, child, node);
      }
    }
  }
  return ordered;
}

/** Records `nodes` as the linked node list of `program`, a tree linked piecewise (an incremental parse). */
export function setLinkedNodes(program: TSESTree.Program, nodes: readonly TSESTree.Node[]): void {
  linkedNodeLists.set(program, nodes);
}

function pushChild(stack: TSESTree.Node[], child: unknown, parent: TSESTree.Node): void {
  if (child && typeof (child as TSESTree.Node).type === 'string') {
    (child as { parent: TSESTree.Node }).parent = parent;
    stack.push(child as TSESTree.Node);
  }
}

/** Calls `visit` on every node below `root` (root included) in source order; return false to skip a subtree. */
export function walk(root: TSESTree.Node, visit: (node: TSESTree.Node) => boolean | void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const keys = visitorKeys[node.type] ?? [];
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k]];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) if (child[i]?.type) stack.push(child[i]);
      } else if (child && typeof (child as TSESTree.Node).type === 'string') {
        stack.push(child as TSESTree.Node);
      }
    }
  }
}
