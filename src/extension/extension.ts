import * as vscode from 'vscode';
import { PoolLensCodeActions } from './codeActions';
import { Config } from './config';
import { LINTED_LANGUAGES, LINTED_SCHEMES } from './constants';
import { DiagnosticsProvider } from './diagnostics';
import { FindingStore } from './findingStore';
import { createLog } from './log';
import { WorkspaceProjectFacts } from './projectFacts';
import { registerShowRuleDocs } from './ruleDocs';

/** What `activate` returns, for tests and other extensions. */
export interface PoolLensApi {
  /** Analyses an open document now; resolves to its Pool Lens diagnostics. */
  analyzeNow(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]>;
}

/** Builds the services and hands every disposable to VS Code; nothing else happens here. */
export function activate(context: vscode.ExtensionContext): PoolLensApi {
  const log = createLog();
  const config = new Config(log);
  const findings = new FindingStore();
  const project = new WorkspaceProjectFacts(log);
  const diagnostics = new DiagnosticsProvider(config, log, findings, project);
  const selector = [...LINTED_SCHEMES].flatMap((scheme) => Object.keys(LINTED_LANGUAGES).map((language) => ({ scheme, language })));

  context.subscriptions.push(
    log,
    config,
    project,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(selector, new PoolLensCodeActions(findings), {
      providedCodeActionKinds: PoolLensCodeActions.providedCodeActionKinds,
    }),
    registerShowRuleDocs(log),
  );

  return {
    async analyzeNow(uri) {
      const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
      return document ? diagnostics.analyze(document) : [];
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
