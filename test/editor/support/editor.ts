import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PoolLensApi } from '../../../src/extension/extension';
import { SETTLE_MS, sleep, waitFor } from './wait';

export const EXTENSION_ID = 'pool-lens.pool-lens';
export const DIAGNOSTIC_SOURCE = 'pool-lens';

/** Activates Pool Lens as the editor would, and fails clearly when it is not installed. Returns its API. */
export async function activatePoolLens(): Promise<PoolLensApi> {
  const extension = vscode.extensions.getExtension<PoolLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this editor`);
  return extension.activate();
}

export function workspaceUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the editor has no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Opens a workspace file in an editor, as a user clicking it in the Explorer does. */
export async function openFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The Problems-panel entries Pool Lens reports for a file. */
export function poolLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
}

export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function describeDiagnostics(uri: vscode.Uri): string {
  const list = poolLensDiagnostics(uri);
  if (list.length === 0) return 'no Pool Lens diagnostics';
  return list
    .map((d) => `${ruleOf(d)} ${vscode.DiagnosticSeverity[d.severity]} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`)
    .join('; ');
}

/** Waits until the file's Pool Lens diagnostics satisfy `accept`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${what} in ${vscode.workspace.asRelativePath(uri)}`,
    () => {
      const diagnostics = poolLensDiagnostics(uri);
      return accept(diagnostics) ? diagnostics : undefined;
    },
    () => describeDiagnostics(uri),
  );
}

/** Waits for at least one diagnostic of `ruleId` and returns that rule's diagnostics. */
export async function waitForRule(uri: vscode.Uri, ruleId: string): Promise<vscode.Diagnostic[]> {
  const all = await waitForDiagnostics(uri, `a ${ruleId} diagnostic`, (list) => list.some((d) => ruleOf(d) === ruleId));
  return all.filter((d) => ruleOf(d) === ruleId);
}

export function waitForRuleGone(uri: vscode.Uri, ruleId: string): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, `the ${ruleId} diagnostic to go away`, (list) => !list.some((d) => ruleOf(d) === ruleId));
}

/** Lets the debounced analysis run, then returns what the file shows. */
export async function settledDiagnostics(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  await sleep(SETTLE_MS);
  return poolLensDiagnostics(uri);
}

/** Replaces a document's whole text and saves it, as a user restoring a file would. */
export async function setText(document: vscode.TextDocument, text: string, save = true): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), `could not edit ${document.uri.fsPath}`);
  if (save) await document.save();
}

/**
 * Runs `body` on a file and puts the file back as it was afterwards, saved, so the next test (and the
 * browser checks after the suites) find the fixture unchanged.
 */
export async function withFileRestored(relativePath: string, body: (editor: vscode.TextEditor) => Promise<void>): Promise<void> {
  const editor = await openFile(relativePath);
  const original = editor.document.getText();
  try {
    await body(editor);
  } finally {
    if (editor.document.getText() !== original || editor.document.isDirty) await setText(editor.document, original);
  }
}

/** Sets a `poolLens.*` setting in the workspace (.vscode/settings.json) for the body, then restores it. */
export async function withWorkspaceSetting(section: string, value: unknown, body: () => Promise<void>): Promise<void> {
  const [prefix, ...rest] = section.split('.');
  const key = rest.join('.');
  const configuration = vscode.workspace.getConfiguration(prefix);
  const previous = configuration.inspect(key)?.workspaceValue;
  await configuration.update(key, value, vscode.ConfigurationTarget.Workspace);
  try {
    await body();
  } finally {
    await vscode.workspace.getConfiguration(prefix).update(key, previous, vscode.ConfigurationTarget.Workspace);
  }
}

/**
 * The quick fixes the light bulb offers for a range, resolved as the editor resolves them. (The API
 * command returns them without their `diagnostics`, so callers tell them apart by title.)
 */
export async function quickFixesAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
    100,
  );
  return (actions ?? []).filter((action): action is vscode.CodeAction => typeof action.command !== 'string');
}

/** Applies a code action the way choosing it in the light-bulb menu does: its edit, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `the edit of "${action.title}" was rejected`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}
