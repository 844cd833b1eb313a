import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../core/analyze';
import type { DocumentParses } from '../core/documentParses';
import { mergeWithSettings } from '../core/projectConfig';
import type { AnalyzeOptions } from '../core/types';
import type { Config } from './config';
import { DIAGNOSTIC_SOURCE, LINTED_LANGUAGES, LINTED_SCHEMES } from './constants';
import { toDiagnostic, unusedSuppressionDiagnostic } from './convert';
import type { FindingStore } from './findingStore';
import { loadCore, type Core } from './lazyCore';
import { errorText, type Log } from './log';
import { OFF_THREAD_MIN_LENGTH, OffThreadAnalyzer, OffThreadParseFailure, WorkerUnavailable } from './offThreadAnalysis';
import type { ProjectConfigs } from './projectConfigs';
import type { WorkspaceProjectFacts } from './projectFacts';

/** Documents shorter than OFF_THREAD_MIN_LENGTH keep their syntax trees on this thread, this many at most. */
const MAIN_THREAD_DOCUMENTS = 16;

/**
 * Publishes Pool Lens diagnostics for open JS/TS documents: right away on open and save, after a pause
 * in typing on change, and removes them on close. A document that stops parsing mid-edit keeps its last
 * good diagnostics, so squiggles do not flicker while the user types.
 */
export class DiagnosticsProvider implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly offThread = new OffThreadAnalyzer();
  /** Syntax trees of the documents analysed here, kept between edits (`IncrementalParser`); made with the analyzer. */
  private parses: DocumentParses | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly config: Config,
    private readonly log: Log,
    private readonly findings: FindingStore,
    private readonly project: WorkspaceProjectFacts,
    private readonly projectConfigs: ProjectConfigs,
  ) {
    this.disposables = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => void this.analyze(document)),
      vscode.workspace.onDidSaveTextDocument((document) => void this.analyze(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      config.onDidChangeAnalysisSettings(() => this.analyzeOpenDocuments()),
      project.onDidChange(() => this.analyzeOpenDocuments()),
      projectConfigs.onDidChange(() => this.analyzeOpenDocuments()),
    ];
    this.analyzeOpenDocuments();
  }

  /** Analyses a document now and resolves to its Pool Lens diagnostics (empty when it is not analysed). */
  async analyze(document: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> {
    this.cancelTimer(document.uri);
    if (!isLinted(document)) return [];
    if (!this.config.enable(document.uri)) {
      this.forget(document.uri);
      return [];
    }
    const version = document.version;
    const core = await loadCore();
    const project = this.project.factsFor(document.uri);
    // Settings the user set explicitly win over the project's config file, rule by rule (README: Project configuration).
    const { rules, ruleOptions } = mergeWithSettings(await this.projectConfigs.configFor(document.uri), {
      rules: this.config.rules(document.uri),
      ruleOptions: this.config.ruleOptions(document.uri),
    });
    // A newer edit or a close while the analyzer loaded: that event analyses (or clears) instead.
    if (document.isClosed || document.version !== version) return this.collection.get(document.uri) ?? [];

    let analysis: FileAnalysis;
    try {
      analysis = await this.runAnalysis(core, document.uri.toString(), document.getText(), analysisFileName(document), { rules, project, ruleOptions });
    } catch (error) {
      if (error instanceof core.ParseFailure || error instanceof OffThreadParseFailure) {
        const { line, column, reason } = error instanceof OffThreadParseFailure ? error.detail : error;
        this.log.debug(`${document.uri.toString(true)}:${line}:${column}: does not parse (${reason}); keeping the last diagnostics.`);
      } else {
        this.log.error(`Analysing ${document.uri.toString(true)} failed: ${error instanceof Error ? (error.stack ?? error.message) : errorText(error)}`);
      }
      return this.collection.get(document.uri) ?? [];
    }
    // A newer edit or a close while the worker thread analysed: that event analyses (or clears) instead.
    if (document.isClosed || document.version !== version) return this.collection.get(document.uri) ?? [];
    const entries = analysis.findings.map((finding) => ({ finding, diagnostic: toDiagnostic(finding, document) }));
    const unused = analysis.unusedSuppressions.map((suppression) => ({ suppression, diagnostic: unusedSuppressionDiagnostic(suppression, document) }));
    this.findings.record(document, entries, unused);
    const diagnostics = [...entries, ...unused].map((entry) => entry.diagnostic);
    this.collection.set(document.uri, diagnostics);
    return diagnostics;
  }

  dispose(): void {
    this.offThread.dispose();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.findings.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  /**
   * Large documents are analysed on a worker thread, so parsing them does not block the extension host;
   * small ones, and all of them when the worker cannot run, are analysed here.
   */
  private async runAnalysis(core: Core, document: string, text: string, fileName: string, options: AnalyzeOptions): Promise<FileAnalysis> {
    if (text.length >= OFF_THREAD_MIN_LENGTH && this.offThread.available) {
      try {
        return await this.offThread.analyze(document, text, fileName, options);
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
        this.log.warn(`The analysis worker thread is unavailable (${error.message}); large files are analysed on the main thread.`);
      }
    }
    this.parses ??= new core.DocumentParses(MAIN_THREAD_DOCUMENTS);
    const parser = this.parses.parserFor(document, fileName);
    return core.analyzeFile(text, fileName, options, () => parser.parse(text));
  }

  private analyzeOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) void this.analyze(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isLinted(document)) return;
    this.cancelTimer(document.uri);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.analyze(document);
      }, this.config.debounceMs(document.uri)),
    );
  }

  private cancelTimer(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.timers.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(key);
  }

  private forget(uri: vscode.Uri): void {
    this.cancelTimer(uri);
    this.collection.delete(uri);
    this.findings.delete(uri);
    this.parses?.forget(uri.toString());
    this.offThread.forget(uri.toString());
  }
}

export function isLinted(document: vscode.TextDocument): boolean {
  return LINTED_SCHEMES.has(document.uri.scheme) && Object.hasOwn(LINTED_LANGUAGES, document.languageId);
}

/**
 * The file name the analyzer sees: the path on disk, so relative imports resolve against the project;
 * the parser picks TS/JSX handling from its extension, so a name whose extension disagrees with the
 * document's language (an untitled file, `.es6` shown as JavaScript) gets the language's extension.
 */
function analysisFileName(document: vscode.TextDocument): string {
  const extension = LINTED_LANGUAGES[document.languageId];
  const name = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
  const current = path.extname(name).toLowerCase();
  const agrees = current === extension || (extension === '.js' && ['.mjs', '.cjs'].includes(current)) || (extension === '.ts' && ['.mts', '.cts'].includes(current));
  return agrees ? name : `${name}${extension}`;
}
