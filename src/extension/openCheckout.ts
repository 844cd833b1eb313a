import * as vscode from 'vscode';
import { errorText, type Log } from './log';

/**
 * Opens the line that took a checkout (a checkout node of the Pools view): the file the companion found
 * in the stack, with the cursor on the `connect()` call. A file that is gone (a rebuilt bundle, another
 * machine's path) gets one sentence instead of an empty editor.
 */
export async function openCheckout(log: Log, file: unknown, line: unknown, column: unknown): Promise<vscode.TextEditor | undefined> {
  if (typeof file !== 'string' || typeof line !== 'number') return undefined;
  const position = new vscode.Position(Math.max(0, line - 1), typeof column === 'number' ? Math.max(0, column - 1) : 0);
  try {
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  } catch (error) {
    const sentence = `The checkout was taken at ${file}:${line}, which cannot be opened: ${errorText(error)}`;
    log.warn(sentence);
    void vscode.window.showWarningMessage(sentence);
    return undefined;
  }
}
