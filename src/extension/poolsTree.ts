import * as vscode from 'vscode';
import { serverKey } from '../pg/domains';
import type { SessionRow } from '../pg/model';
import type { Config } from './config';
import { CommandId, CONFIG_SECTION } from './constants';
import type { LivePools, LiveState } from './livePools';
import { errorText } from './log';
import { PoolsTreeModel, type PoolKey, type PoolsNode, type Thresholds } from './poolsTreeModel';

type BucketNode = Extract<PoolsNode, { kind: 'bucket' }>;

const THRESHOLD_SETTINGS = ['idleInTransactionWarnMs', 'longQueryWarnMs'].map((name) => `${CONFIG_SECTION}.${name}`);

/**
 * The Pools view's data provider: servers → pools → state buckets → sessions, over the live snapshot.
 * Sessions are fetched only when a bucket is expanded (one query per pool and refresh, shared by its
 * buckets). Server nodes keep their object identity across refreshes, so a new snapshot refreshes each
 * server element instead of rebuilding the whole tree.
 */
export class PoolsTreeProvider implements vscode.TreeDataProvider<PoolsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PoolsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly model: PoolsTreeModel;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Server nodes by key, the same object on every refresh (VS Code finds elements by identity). */
  private readonly serverNodes = new Map<string, PoolsNode>();
  /** The bucket nodes last handed out, so "Show more" can refresh exactly its bucket. */
  private readonly bucketNodes = new Map<string, BucketNode>();
  /** Session rows per pool for the current snapshot; dropped when a new snapshot arrives. */
  private sessionCache = new Map<string, Promise<SessionRow[]>>();
  private readonly pages = new Map<string, number>();
  private rootSignature = '';

  constructor(
    private readonly live: LivePools,
    private readonly config: Config,
  ) {
    this.model = new PoolsTreeModel(this.treeState(live.state));
    this.disposables.push(
      live.onDidChange((state) => this.update(state)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (THRESHOLD_SETTINGS.some((setting) => event.affectsConfiguration(setting))) this.update(this.live.state, true);
      }),
    );
  }

  /** The model behind the view, for the report and for tests. */
  get presentation(): PoolsTreeModel {
    return this.model;
  }

  getTreeItem(node: PoolsNode): vscode.TreeItem {
    const view = this.model.view(node);
    const item = new vscode.TreeItem(view.label, collapsibleState(view.collapsible));
    item.id = node.id;
    item.description = view.description;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
    item.contextValue = view.contextValue;
    if (node.kind === 'more') item.command = { command: CommandId.showMoreSessions, title: 'Show More Sessions', arguments: [node] };
    return item;
  }

  async getChildren(node?: PoolsNode): Promise<PoolsNode[]> {
    if (!node) return this.model.roots().map((root) => (root.kind === 'server' ? this.internServer(root) : root));
    switch (node.kind) {
      case 'server':
        return this.model.serverChildren(node.key);
      case 'pool':
        return this.model.poolChildren(node).map((bucket) => this.rememberBucket(bucket as BucketNode));
      case 'bucket':
        return this.bucketChildren(node);
      default:
        return [];
    }
  }

  /** The next page of a large bucket ("Show more"). */
  showMore(node: Extract<PoolsNode, { kind: 'more' }>): void {
    this.pages.set(node.bucketId, (this.pages.get(node.bucketId) ?? 1) + 1);
    this.changed.fire(this.bucketNodes.get(node.bucketId));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  private async bucketChildren(node: BucketNode): Promise<PoolsNode[]> {
    try {
      const rows = await this.sessionsOf(node.pool);
      return this.model.bucketChildren(node, rows, this.pages.get(node.id) ?? 1);
    } catch (error) {
      return [{ kind: 'message', id: `${node.id}:error`, text: `Could not list the sessions: ${errorText(error)}`, tone: 'error' }];
    }
  }

  private sessionsOf(pool: PoolKey): Promise<SessionRow[]> {
    const key = JSON.stringify(pool);
    let rows = this.sessionCache.get(key);
    if (!rows) {
      rows = this.live.sessions(pool.serverKey, pool.database, pool.applicationName, pool.user);
      this.sessionCache.set(key, rows);
      // A failed load is not cached: expanding again retries.
      rows.catch(() => this.sessionCache.delete(key));
    }
    return rows;
  }

  private update(state: LiveState, everything = false): void {
    this.model.update(this.treeState(state));
    this.sessionCache = new Map();
    const roots = this.model.roots();
    const signature = roots.map((root) => root.id).join('\n');
    if (everything || signature !== this.rootSignature) {
      this.rootSignature = signature;
      this.bucketNodes.clear();
      this.changed.fire(undefined);
      return;
    }
    for (const root of roots) if (root.kind === 'server') this.changed.fire(this.internServer(root));
  }

  private internServer(node: Extract<PoolsNode, { kind: 'server' }>): PoolsNode {
    let known = this.serverNodes.get(node.key);
    if (!known) this.serverNodes.set(node.key, (known = node));
    return known;
  }

  private rememberBucket(node: BucketNode): BucketNode {
    this.bucketNodes.set(node.id, node);
    return node;
  }

  private treeState(state: LiveState): ConstructorParameters<typeof PoolsTreeModel>[0] {
    const connecting = state.status === 'live' && !state.snapshot ? [...new Set(state.domains.map((domain) => serverKey(domain)))] : [];
    const domainTls = Object.fromEntries(state.domains.map((domain) => [domain.name, domain.tls]));
    return { snapshot: state.snapshot, problems: state.problems, thresholds: this.thresholds(), connecting, domainTls };
  }

  private thresholds(): Thresholds {
    return {
      idleInTransactionWarnMs: this.config.idleInTransactionWarnMs(),
      longQueryWarnMs: this.config.longQueryWarnMs(),
      idleCheckoutWarnMs: this.config.idleCheckoutWarnMs(),
    };
  }
}

function collapsibleState(value: 'none' | 'collapsed' | 'expanded'): vscode.TreeItemCollapsibleState {
  switch (value) {
    case 'none':
      return vscode.TreeItemCollapsibleState.None;
    case 'collapsed':
      return vscode.TreeItemCollapsibleState.Collapsed;
    case 'expanded':
      return vscode.TreeItemCollapsibleState.Expanded;
  }
}
