import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

/**
 * Sets `parent` on every node and returns the nodes in source (pre-)order. Iterative, so deeply
 * nested input cannot overflow the stack here.
 */
export function linkParents(program: TSESTree.Program): TSESTree.Node[] {
  const ordered: TSESTree.Node[] = [];
  const stack: TSESTree.Node[] = [program];
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
