import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { ProjectFacts } from '../core/project';
import type { ProjectIndex } from '../workspace/projectIndex';
import { LINTED_LANGUAGES } from './constants';
import { loadCore, type Core } from './lazyCore';
import { errorText, type Log } from './log';
import { OFF_THREAD_MIN_LENGTH } from './offThreadAnalysis';

const SOURCE_GLOB = '**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}';
/** Past this many files the index stops and says it is incomplete, so imports fall back to name heuristics. */
const MAX_INDEXED_FILES = 5000;
/** Pause in typing before an unsaved document's exports are summarised again. */
const UNSAVED_EDIT_DELAY_MS = 300;

/**
 * Project facts for the open workspace: which modules export pools and which files package.json runs as
 * scripts. The index is built once, in the background, when the first document is analysed; until then
 * analyses run without facts. Afterwards each saved, created or deleted file, and each unsaved edit of
 * an open document, updates only its own entry (and its importers' when its exports change: see
 * `ProjectIndex`); `onDidChange` fires only when the facts changed, and then open documents are
 * analysed again.
 */
export class WorkspaceProjectFacts implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the facts change (the first build finished, a pool export or a script entry changed). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private index: ProjectIndex | undefined;
  private building: Promise<void> | undefined;
  /** File events are applied one at a time, in order, after the first build. */
  private queue: Promise<void> = Promise.resolve();
  private readonly editTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly log: Log) {}

  /**
   * The facts for a document, as known now. Undefined before the first build finishes, and for documents
   * outside the workspace folders: the index does not cover their neighbours, so claiming `complete`
   * facts for them would hide pools their imports bring. Starts the build on first call.
   */
  factsFor(uri: vscode.Uri): ProjectFacts | undefined {
    if (uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    this.building ??= this.build();
    return this.index?.facts();
  }

  dispose(): void {
    for (const timer of this.editTimers.values()) clearTimeout(timer);
    this.editTimers.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private async build(): Promise<void> {
    try {
      const core = await loadCore();
      const started = Date.now();
      const index = new core.ProjectIndex((file) => fs.readFile(file, 'utf8'));
      const exclude = `{${[...core.SKIPPED_FOLDERS].map((folder) => `**/${folder}/**`).join(',')}}`;
      const uris = await vscode.workspace.findFiles(SOURCE_GLOB, exclude, MAX_INDEXED_FILES + 1);
      const files = uris.filter((uri) => uri.scheme === 'file' && core.isSourceFile(uri.fsPath)).map((uri) => uri.fsPath);
      index.setComplete(uris.length <= MAX_INDEXED_FILES);
      index.setScriptFiles(await this.scriptKeys(core));
      const problems = await index.addFiles(files.slice(0, MAX_INDEXED_FILES));
      for (const problem of problems) this.log.debug(`Project index: skipped ${problem.file}: ${problem.reason}`);
      this.index = index;
      this.watch(core);
      const pools = [...index.facts().poolExports.values()].reduce((sum, names) => sum + names.size, 0);
      this.log.info(`Indexed ${files.length} source files in ${Date.now() - started} ms: ${pools} exported pools.`);
      if (uris.length > MAX_INDEXED_FILES) this.log.info(`The workspace has more than ${MAX_INDEXED_FILES} source files; the rest are not indexed.`);
      this.changed.fire();
    } catch (error) {
      this.log.error(`Could not index the workspace; files are analysed one by one. ${errorText(error)}`);
    }
  }

  private watch(core: Core): void {
    const sources = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    const manifests = vscode.workspace.createFileSystemWatcher('**/package.json');
    const onSource = (uri: vscode.Uri, deleted: boolean): void => {
      if (uri.scheme !== 'file' || !core.isSourceFile(uri.fsPath) || core.isInSkippedFolder(uri.fsPath)) return;
      this.enqueue(() => (deleted ? this.index!.removeFile(uri.fsPath) : this.index!.updateFile(uri.fsPath)));
    };
    const onManifest = (uri: vscode.Uri): void => {
      if (core.isInSkippedFolder(uri.fsPath)) return;
      this.enqueue(async () => {
        this.index!.setScriptFiles(await this.scriptKeys(core));
        return true;
      });
    };
    this.disposables.push(
      sources,
      manifests,
      sources.onDidCreate((uri) => onSource(uri, false)),
      sources.onDidChange((uri) => onSource(uri, false)),
      sources.onDidDelete((uri) => onSource(uri, true)),
      manifests.onDidCreate(onManifest),
      manifests.onDidChange(onManifest),
      manifests.onDidDelete(onManifest),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.isIndexed(core, event.document)) this.scheduleUnsaved(event.document);
      }),
      // Closed without saving: the file on disk is what the project holds again.
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!this.isIndexed(core, document)) return;
        this.cancelUnsaved(document.uri);
        this.enqueue(() => this.index!.updateFile(document.uri.fsPath));
      }),
    );
  }

  /**
   * A workspace source file the index covers. Documents from the off-thread size up are summarised on
   * save only: summarising parses on the extension host's thread, and that would block it while typing.
   */
  private isIndexed(core: Core, document: vscode.TextDocument): boolean {
    const { uri } = document;
    return (
      uri.scheme === 'file' &&
      Object.hasOwn(LINTED_LANGUAGES, document.languageId) &&
      document.getText().length < OFF_THREAD_MIN_LENGTH &&
      core.isSourceFile(uri.fsPath) &&
      !core.isInSkippedFolder(uri.fsPath) &&
      vscode.workspace.getWorkspaceFolder(uri) !== undefined
    );
  }

  private scheduleUnsaved(document: vscode.TextDocument): void {
    this.cancelUnsaved(document.uri);
    const key = document.uri.toString();
    this.editTimers.set(
      key,
      setTimeout(() => {
        this.editTimers.delete(key);
        if (document.isClosed) return;
        const text = document.getText();
        this.enqueue(() => this.index!.updateFile(document.uri.fsPath, text));
      }, UNSAVED_EDIT_DELAY_MS),
    );
  }

  private cancelUnsaved(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.editTimers.get(key));
    this.editTimers.delete(key);
  }

  /** Runs an index update after the previous ones; fires onDidChange when it reports a change. */
  private enqueue(update: () => Promise<boolean>): void {
    this.queue = this.queue.then(async () => {
      try {
        if (await update()) this.changed.fire();
      } catch (error) {
        this.log.warn(`Project index update failed: ${errorText(error)}`);
      }
    });
  }

  private async scriptKeys(core: Core): Promise<string[]> {
    const manifests = await vscode.workspace.findFiles('**/package.json', '**/node_modules/**');
    const keys: string[] = [];
    for (const uri of manifests) if (uri.scheme === 'file') keys.push(...(await core.readScriptModuleKeys(uri.fsPath)));
    return keys;
  }
}
