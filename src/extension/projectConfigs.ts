import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME, type ProjectConfig } from '../core/projectConfig';
import { ProjectConfigError, ProjectConfigLoader } from '../workspace/projectConfigFile';
import { errorText, type Log } from './log';

/**
 * The project config files (pool-lens.config.json, package.json's "poolLens") that apply to documents,
 * read the way `pool-lens lint` reads them and re-read when one is created, changed or deleted. Their
 * problems go to the log, once each per version of the file: a bad entry is left out and the rest
 * applies; a file that is not JSON is ignored as a whole until it is fixed.
 */
export class ProjectConfigs implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a config file may have changed; documents should be analysed again. */
  readonly onDidChange = this.changed.event;
  private readonly loader = new ProjectConfigLoader((file) => vscode.workspace.asRelativePath(file, true));
  private readonly reported = new Set<string>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly log: Log) {
    const configFiles = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
    const manifests = vscode.workspace.createFileSystemWatcher('**/package.json');
    const reload = (uri: vscode.Uri): void => {
      if (uri.scheme !== 'file' || uri.fsPath.split(path.sep).includes('node_modules')) return;
      this.loader.clear();
      this.reported.clear();
      this.changed.fire();
    };
    this.disposables = [this.changed, configFiles, manifests];
    for (const watcher of [configFiles, manifests]) {
      this.disposables.push(watcher.onDidCreate(reload), watcher.onDidChange(reload), watcher.onDidDelete(reload));
    }
  }

  /**
   * The project config for a document: the nearest one above its file, or above the first workspace
   * folder for an unsaved new document. Undefined when there is none or it cannot be used.
   */
  async configFor(uri: vscode.Uri): Promise<ProjectConfig | undefined> {
    const folder = uri.scheme === 'file' ? path.dirname(uri.fsPath) : vscode.workspace.workspaceFolders?.find((each) => each.uri.scheme === 'file')?.uri.fsPath;
    if (folder === undefined) return undefined;
    try {
      const loaded = await this.loader.forFolder(folder);
      for (const problem of loaded?.problems ?? []) this.warnOnce(problem);
      return loaded?.config;
    } catch (error) {
      if (error instanceof ProjectConfigError) this.warnOnce(`${error.message} Its settings are not applied until then.`);
      else this.warnOnce(`Could not read the Pool Lens project config for ${folder}: ${errorText(error)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  private warnOnce(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.log.warn(message);
  }
}
