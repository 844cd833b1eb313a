import * as vscode from 'vscode';
import type { PoolLensApi } from '../../../src/extension/extension';
import type { PoolsNode } from '../../../src/extension/poolsTreeModel';

/**
 * What hovering `node` in the Pools view shows, as Markdown: the view builds tooltips only on hover
 * (`resolveTreeItem`), so its items carry none; this asks the provider the way VS Code does.
 */
export function hoverText(api: PoolLensApi, node: PoolsNode): string {
  const tree = api.poolsTree;
  const tooltip = tree.resolveTreeItem(tree.getTreeItem(node), node).tooltip;
  return tooltip instanceof vscode.MarkdownString ? tooltip.value : (tooltip ?? '');
}
