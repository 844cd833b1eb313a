import * as vscode from 'vscode';
import { buildReport } from '../pg/inspectReport';
import type { Snapshot } from '../pg/model';
import { readCompanions, type CompanionReading } from '../workspace/companions';
import type { Config } from './config';
import { CommandId } from './constants';
import { renderInspectMarkdown } from './inspectMarkdown';
import type { LivePools } from './livePools';
import { errorText, type Log } from './log';
import type { WorkspacePools } from './workspacePools';

/** Read-only documents of this scheme hold the latest report; closing one never asks to save it. */
export const REPORT_SCHEME = 'pool-lens-report';
const REPORT_URI = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Inspect Pools.md' });
/** How long to wait for VS Code to fetch a re-rendered report; it normally takes milliseconds. */
const REPORT_UPDATE_WAIT_MS = 5_000;

/**
 * "Pool Lens: Inspect Pools": takes a fresh snapshot, reads the pools in the workspace code, and opens a
 * read-only Markdown report joining them (see `inspectMarkdown.ts`). The command resolves to the
 * report's URI.
 */
export class InspectPools implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private text = '';
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly live: LivePools,
    private readonly code: WorkspacePools,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    this.disposables = [
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      vscode.commands.registerCommand(CommandId.inspectPools, () => this.run()),
    ];
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  async run(): Promise<vscode.Uri | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Pool Lens connects to databases only in trusted workspaces; trust this workspace to inspect its pools.');
      return undefined;
    }
    try {
      this.text = await vscode.window.withProgress(
        { location: { viewId: 'poolLens.pools' }, title: 'Inspecting pools' },
        () => this.render(),
      );
    } catch (error) {
      this.log.error(`Inspect Pools failed: ${error instanceof Error ? (error.stack ?? error.message) : errorText(error)}`);
      void vscode.window.showErrorMessage(`Inspect Pools failed: ${errorText(error)}`);
      return undefined;
    }
    const document = await this.reportDocument();
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
    return REPORT_URI;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  /**
   * The report document holding the new text. When a report is already open, VS Code asks this provider
   * for the new content only after the change event, asynchronously; returning before that would show
   * (and hand callers) the previous report.
   */
  private async reportDocument(): Promise<vscode.TextDocument> {
    let stopWaiting = () => {};
    const updated = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === REPORT_URI.toString() && event.document.getText() === this.text) stopWaiting();
      });
      const timer = setTimeout(() => stopWaiting(), REPORT_UPDATE_WAIT_MS);
      stopWaiting = () => {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      };
    });
    this.changed.fire(REPORT_URI);
    const document = await vscode.workspace.openTextDocument(REPORT_URI);
    if (document.getText() !== this.text) await updated;
    stopWaiting();
    return document;
  }

  private async render(): Promise<string> {
    const [refreshed, companions] = await Promise.all([this.live.refresh(), this.readCompanions()]);
    const snapshot: Snapshot = refreshed ?? { takenAt: Date.now(), servers: [] };
    const discovery = await this.code.discover();
    const state = this.live.state;
    const instances = (domain: string) => this.config.sizingInstances(domain);
    const headroom = this.config.sizingHeadroom();
    const cores = this.config.sizingCores();
    const staleAfterMs = this.config.idleCheckoutWarnMs();
    const report = buildReport({
      source: state.origin,
      snapshot,
      // Pools that could not be resolved are already sentences in `problems`.
      resolutions: [],
      configs: state.domains,
      discovered: discovery.pools,
      instances,
      headroom,
      cores,
      staleAfterMs,
      warnings: [
        ...state.problems,
        ...discovery.unparsable.map((file) => `${file} does not parse; its pools were not read.`),
        ...companions.flatMap((reading) => (reading.ok ? [] : [reading.problem])),
      ],
      companions,
      checkoutWarnMs: this.config.checkoutWarnMs(),
    });
    return renderInspectMarkdown({
      report,
      discovered: discovery.pools,
      thresholds: {
        idleInTransactionWarnMs: this.config.idleInTransactionWarnMs(),
        longQueryWarnMs: this.config.longQueryWarnMs(),
        idleCheckoutWarnMs: staleAfterMs,
      },
      takenAt: snapshot.takenAt,
      instances,
      link: (pool) => vscode.Uri.file(pool.absolutePath).with({ fragment: `L${pool.line}` }).toString(),
      fileLink: (file, line) => vscode.Uri.file(file).with({ fragment: `L${line}` }).toString(),
    });
  }

  /** The runtime companions of every workspace folder: the app's own view of its pools. */
  private async readCompanions(): Promise<CompanionReading[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const readings = await Promise.all(
      folders.map((folder) =>
        readCompanions(folder.uri.fsPath).catch((error: unknown): CompanionReading[] => [
          { ok: false, file: folder.uri.fsPath, pid: 0, problem: `The runtime companions of ${folder.name} cannot be listed: ${errorText(error)}` },
        ]),
      ),
    );
    return readings.flat();
  }
}
