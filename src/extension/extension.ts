import * as vscode from 'vscode';
import { PoolLensCodeActions } from './codeActions';
import { Config } from './config';
import { CommandId, LINTED_LANGUAGES, LINTED_SCHEMES, POOLS_STATE_CONTEXT, POOLS_VIEW_ID } from './constants';
import { DiagnosticsProvider } from './diagnostics';
import { FindingStore } from './findingStore';
import { InspectPools } from './inspectPools';
import { LivePools } from './livePools';
import { createLog } from './log';
import { modalConfirm, registerPoolsCommands, type Confirm } from './poolsCommands';
import { PoolsTreeProvider } from './poolsTree';
import { ProjectConfigs } from './projectConfigs';
import { WorkspaceProjectFacts } from './projectFacts';
import { registerShowRuleDocs } from './ruleDocs';
import { PasswordStore } from './secrets';
import { SizingCalculator } from './sizingView';
import { WorkspacePools } from './workspacePools';

/** What `activate` returns, for tests and other extensions. */
export interface PoolLensApi {
  /** Analyses an open document now; resolves to its Pool Lens diagnostics. */
  analyzeNow(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]>;
  /** The Pools view's data provider (getChildren / getTreeItem), as VS Code sees it. */
  poolsTree: PoolsTreeProvider;
  /** The live monitor service behind the Pools view. */
  livePools: LivePools;
  /**
   * For tests only: answers the cancel/terminate confirmation in place of the modal, which an
   * automated test cannot click; undefined restores the modal.
   */
  setConfirmForTesting(confirm: Confirm | undefined): void;
  /**
   * For tests only: the folders VS Code gives this extension. The Pool Lens output channel is written
   * to a file in `logUri`; the user settings file lies two folders above `globalStorageUri`.
   */
  readonly foldersForTesting: { logUri: vscode.Uri; globalStorageUri: vscode.Uri };
  /** For tests only: the HTML of the open sizing calculator, undefined while it is closed. */
  sizingHtmlForTesting(): string | undefined;
}

/** Builds the services and hands every disposable to VS Code; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): PoolLensApi {
  const log = createLog();
  const config = new Config(log);
  const findings = new FindingStore();
  const project = new WorkspaceProjectFacts(log);
  const projectConfigs = new ProjectConfigs(log);
  const diagnostics = new DiagnosticsProvider(config, log, findings, project, projectConfigs);
  const selector = [...LINTED_SCHEMES].flatMap((scheme) => Object.keys(LINTED_LANGUAGES).map((language) => ({ scheme, language })));

  context.subscriptions.push(
    log,
    config,
    project,
    projectConfigs,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(selector, new PoolLensCodeActions(findings), {
      providedCodeActionKinds: PoolLensCodeActions.providedCodeActionKinds,
    }),
    registerShowRuleDocs(log),
  );

  const passwords = new PasswordStore(context.secrets);
  const workspacePools = new WorkspacePools();
  const livePools = new LivePools(config, log, passwords, () => workspacePools.candidateDomains());
  const poolsTree = new PoolsTreeProvider(livePools, config);
  const poolsView = vscode.window.createTreeView(POOLS_VIEW_ID, { treeDataProvider: poolsTree, showCollapseAll: true });
  const sizing = new SizingCalculator(context.extensionUri, livePools, workspacePools, log);
  let confirm: Confirm = modalConfirm;
  context.subscriptions.push(
    passwords,
    livePools,
    poolsTree,
    poolsView,
    poolsTree.attach(poolsView),
    poolsView.onDidChangeVisibility((event) => livePools.setVisible(event.visible)),
    livePools.onDidChange((state) => void vscode.commands.executeCommand('setContext', POOLS_STATE_CONTEXT, state.status)),
    ...registerPoolsCommands({ live: livePools, tree: poolsTree, passwords, log, confirm: () => confirm }),
    new InspectPools(livePools, workspacePools, config, log),
    sizing,
    vscode.commands.registerCommand(CommandId.openSizingCalculator, () => sizing.open()),
  );
  livePools.setVisible(poolsView.visible);

  return {
    async analyzeNow(uri) {
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
      return document ? diagnostics.analyze(document) : [];
    },
    poolsTree,
    livePools,
    setConfirmForTesting(replacement) {
      confirm = replacement ?? modalConfirm;
    },
    foldersForTesting: { logUri: context.logUri, globalStorageUri: context.globalStorageUri },
    sizingHtmlForTesting: () => sizing.html,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
