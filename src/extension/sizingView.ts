import * as vscode from 'vscode';
import type { LivePools } from './livePools';
import { errorText, type Log } from './log';
import { readCompanions } from '../workspace/companions';
import { answerCompute, parseWebviewMessage, prefillSizing, type HostMessage, type SizingPrefill } from './sizingModel';
import { sizingPageHtml } from './sizingPage';
import type { WorkspacePools } from './workspacePools';

const VIEW_TYPE = 'poolLens.sizingCalculator';

/**
 * The sizing calculator: a webview panel, because a tree cannot hold an editable form. It opens
 * prefilled from the live servers and the pools in the code; the user edits instances, cores, headroom
 * and shares, and every answer comes from `core/sizing.ts` on the extension side. The page only lays
 * out numbers: strict CSP with a nonce, scripts and styles from `media/` only, theme colours only.
 */
export class SizingCalculator implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly live: LivePools,
    private readonly code: WorkspacePools,
    private readonly log: Log,
  ) {}

  /** Opens the calculator (or brings it to the front, prefilled again from the latest snapshot). */
  async open(): Promise<void> {
    const servers = await this.prefill();
    if (this.panel) {
      this.panel.reveal();
      void this.post({ type: 'init', servers });
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Pool Sizing', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(media, 'pool-lens.svg');
    panel.webview.html = page(panel.webview, media);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
    panel.webview.onDidReceiveMessage(
      async (raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.log.warn(`The sizing calculator sent a message it should not: ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        if (message.type === 'ready') await this.post({ type: 'init', servers: await this.prefill() });
        else await this.post(answerCompute(message.key, message.input));
      },
      undefined,
      this.disposables,
    );
  }

  /** The HTML of the open calculator, or undefined when it is closed (for tests of its policy). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private async prefill(): Promise<SizingPrefill[]> {
    // A fresh snapshot (this also connects when the Pools view was never opened).
    await this.live.refresh();
    const state = this.live.state;
    let code: Awaited<ReturnType<WorkspacePools['discover']>>['pools'] = [];
    try {
      code = (await this.code.discover()).pools;
    } catch (error) {
      this.log.warn(`Could not read the pools in the workspace code: ${errorText(error)}`);
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    const companions = (await Promise.all(folders.map((folder) => readCompanions(folder.uri.fsPath).catch(() => [])))).flat();
    return prefillSizing(state.snapshot, state.domains, code, companions);
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.panel?.webview.postMessage(message) ?? Promise.resolve(false);
  }
}

function page(webview: vscode.Webview, media: vscode.Uri): string {
  return sizingPageHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'sizing', 'main.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'sizing', 'main.css')).toString(),
  });
}
