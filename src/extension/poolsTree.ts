import * as vscode from 'vscode';
import { serverKey } from '../pg/domains';
import type { SessionRow } from '../pg/model';
import { readCompanions, type CompanionReading } from '../workspace/companions';
import type { Config } from './config';
import { CommandId, CONFIG_SECTION } from './constants';
import type { LivePools, LiveState } from './livePools';
import { errorText } from './log';
import { PoolsTreeModel, type PoolKey, type PoolsNode, type Thresholds } from './poolsTreeModel';

type BucketNode = Extract<PoolsNode, { kind: 'bucket' }>;

const THRESHOLD_SETTINGS = ['idleInTransactionWarnMs', 'longQueryWarnMs', 'checkoutWarnMs'].map((name) => `${CONFIG_SECTION}.${name}`);

/**
 * The Pools view's data provider: servers → pools → state buckets → sessions, over the live snapshot.
 * Sessions are fetched only when a bucket is expanded (one query per pool and refresh, shared by its
 * buckets). Server nodes keep their object identity across refreshes, so a new snapshot refreshes each
 * server element instead of rebuilding the whole tree.
 *
 * With each snapshot it also asks the workspace's runtime companions (`.pool-lens/companion-*.json`)
 * for their pools, so it polls them exactly while the server view polls (only while visible). A pool
 * with a companion gets an app node; the server's sessions of that pool are loaded only when the app
 * holds a checkout longer than `poolLens.checkoutWarnMs`, to flag a forgotten release() or COMMIT.
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
  private companions: CompanionReading[] = [];
  /** Numbers the companion reads, so a slow one never publishes over a newer one; a slower one only lags. */
  private companionRead = 0;
  private companionShown = 0;

  constructor(
    private readonly live: LivePools,
    private readonly config: Config,
  ) {
    this.model = new PoolsTreeModel(this.treeState(live.state));
    this.disposables.push(
      live.onDidChange((state) => void this.onLiveChange(state)),
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
    if (node.kind === 'checkout' && view.command) item.command = { command: view.command.id, title: view.command.title, arguments: view.command.arguments };
    return item;
  }

  async getChildren(node?: PoolsNode): Promise<PoolsNode[]> {
    if (!node) return this.model.roots().map((root) => (root.kind === 'server' ? this.internServer(root) : root));
    switch (node.kind) {
      case 'server':
        return this.model.serverChildren(node.key);
      case 'pool':
        return this.model.poolChildren(node).map((child) => (child.kind === 'bucket' ? this.rememberBucket(child) : child));
      case 'app':
        return this.appChildren(node);
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

  /** Long checkouts, flagged by the server's view of their backends (one sessions query per pool and refresh, shared with the buckets). */
  private async appChildren(node: Extract<PoolsNode, { kind: 'app' }>): Promise<PoolsNode[]> {
    if (!this.model.hasLongCheckouts(node)) return [];
    let rows: SessionRow[] | undefined;
    try {
      rows = await this.sessionsOf(node.pool);
    } catch {
      // Without the server's sessions the checkouts are still listed, only without the release/COMMIT flag.
      rows = undefined;
    }
    return this.model.appChildren(node, rows);
  }

  /** A new live state: read the companions when there is a snapshot to hang them on, then show both. */
  private async onLiveChange(state: LiveState): Promise<void> {
    const read = ++this.companionRead;
    const folders = state.status === 'live' && state.snapshot ? (vscode.workspace.workspaceFolders ?? []) : [];
    const readings = (await Promise.all(folders.map((folder) => readCompanions(folder.uri.fsPath).catch((error: unknown) => [failedFolder(folder, error)])))).flat();
    // A companion that takes its whole timeout must not hold back every refresh that starts meanwhile.
    if (read < this.companionShown) return;
    this.companionShown = read;
    this.companions = readings;
    this.update(state);
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
    return { snapshot: state.snapshot, problems: state.problems, thresholds: this.thresholds(), connecting, domainTls, companions: this.companions, checkoutWarnMs: this.config.checkoutWarnMs() };
  }

  private thresholds(): Thresholds {
    return {
      idleInTransactionWarnMs: this.config.idleInTransactionWarnMs(),
      longQueryWarnMs: this.config.longQueryWarnMs(),
      idleCheckoutWarnMs: this.config.idleCheckoutWarnMs(),
    };
  }
}

/** A `.pool-lens` folder that cannot be listed, as a companion problem the view shows. */
function failedFolder(folder: vscode.WorkspaceFolder, error: unknown): CompanionReading {
  return { ok: false, file: folder.uri.fsPath, pid: 0, problem: `The runtime companions of ${folder.name} cannot be listed: ${errorText(error)}` };
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
