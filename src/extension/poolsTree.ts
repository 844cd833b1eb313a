import * as vscode from 'vscode';
import { serverKey } from '../pg/domains';
import type { SessionRow } from '../pg/model';
import { readCompanions, type CompanionReading } from '../workspace/companions';
import type { Config } from './config';
import { CommandId, CONFIG_SECTION } from './constants';
import type { LivePools, LiveState } from './livePools';
import { errorText } from './log';
import { PoolsTreeModel, renderingOf, type ChildSources, type PoolKey, type PoolsNode, type Thresholds } from './poolsTreeModel';
import { ShownTree } from './shownTree';

const THRESHOLD_SETTINGS = ['idleInTransactionWarnMs', 'longQueryWarnMs', 'checkoutWarnMs'].map((name) => `${CONFIG_SECTION}.${name}`);

/**
 * The Pools view's data provider: servers → pools → state buckets → sessions, over the live snapshot.
 * Sessions are fetched only when a bucket is expanded (one query per pool and refresh, shared by its
 * buckets). Every element keeps its object identity across refreshes (`ShownTree`), so a new snapshot
 * refreshes only the elements whose item or children changed instead of rebuilding the tree. Tooltips are
 * built only when the user hovers (`resolveTreeItem`), from the latest refresh and to the second, so
 * what a row's hover would say never counts as a change of the row.
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
  /** What VS Code holds: the same element object on every refresh (it finds elements by identity). */
  private readonly shown = new ShownTree<PoolsNode>();
  /** Refreshes run one at a time; a snapshot that arrives meanwhile is shown by the next one. */
  private refreshing: Promise<void> = Promise.resolve();
  /** Session rows per pool for the current snapshot; dropped when a new snapshot arrives. */
  private sessionCache = new Map<string, Promise<SessionRow[]>>();
  private readonly pages = new Map<string, number>();
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

  /** Follows the view's expanded and collapsed elements, so a collapsed bucket costs no sessions query. */
  attach(view: vscode.TreeView<PoolsNode>): vscode.Disposable {
    return vscode.Disposable.from(
      view.onDidCollapseElement((event) => this.shown.setCollapsed(event.element, true)),
      view.onDidExpandElement((event) => this.shown.setCollapsed(event.element, false)),
    );
  }

  getTreeItem(node: PoolsNode): vscode.TreeItem {
    const view = this.model.item(node);
    this.shown.rendered(node, renderingOf(view));
    const item = new vscode.TreeItem(view.label, collapsibleState(view.collapsible));
    item.id = node.id;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
    item.contextValue = view.contextValue;
    if (node.kind === 'more') item.command = { command: CommandId.showMoreSessions, title: 'Show More Sessions', arguments: [node] };
    if (node.kind === 'checkout' && view.command) item.command = { command: view.command.id, title: view.command.title, arguments: view.command.arguments };
    return item;
  }

  /**
   * The tooltip, when the user hovers: `node` is the object VS Code holds, which every refresh updates
   * in place, so the ages are those of the latest refresh, to the second. VS Code asks once per item it
   * was given: hovering again before the row changes shows the same text.
   */
  resolveTreeItem(item: vscode.TreeItem, node: PoolsNode): vscode.TreeItem {
    const tooltip = new vscode.MarkdownString(this.model.tooltip(node), true);
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    return item;
  }

  async getChildren(node?: PoolsNode): Promise<PoolsNode[]> {
    return this.shown.handOut(node, await this.model.children(node, this.sources));
  }

  /** Sessions once per pool and snapshot; pages as "Show more" left them. */
  private readonly sources: ChildSources = {
    sessions: (pool) => this.sessionsOf(pool),
    pages: (bucketId) => this.pages.get(bucketId) ?? 1,
  };

  /** The next page of a large bucket ("Show more"). */
  showMore(node: Extract<PoolsNode, { kind: 'more' }>): void {
    this.pages.set(node.bucketId, (this.pages.get(node.bucketId) ?? 1) + 1);
    this.changed.fire(this.shown.element(node.bucketId));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
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
    if (everything) {
      this.shown.clear();
      this.changed.fire(undefined);
      return;
    }
    // Queued behind a refresh still comparing, so two never interleave their records of what is shown.
    this.refreshing = this.refreshing.then(() => this.refreshChanged());
  }

  /** Refreshes the elements whose item or children differ from what VS Code shows. */
  private async refreshChanged(): Promise<void> {
    try {
      const changed = await this.shown.changes((node) => this.model.children(node, this.sources), (node) => this.model.rendering(node));
      for (const element of changed) this.changed.fire(element);
    } catch {
      this.shown.clear();
      this.changed.fire(undefined);
    }
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
