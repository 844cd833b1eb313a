import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXPECTED, UNPARSABLE_FILE } from './expectations';
import {
  activatePoolLens,
  openFile,
  ruleOf,
  settledDiagnostics,
  waitForDiagnostics,
  waitForRule,
  withFileRestored,
  workspaceUri,
} from './support/editor';
import { waitFor } from './support/wait';

const leak = EXPECTED.find((expected) => expected.ruleId === 'leaked-client')!;

function summary(list: vscode.Diagnostic[]): string[] {
  return list.map((d) => `${ruleOf(d)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

suite('Editing, broken files and closing', () => {
  suiteSetup(activatePoolLens);

  test('while the file does not parse, the last good squiggles stay', () =>
    withFileRestored(leak.file, async (editor) => {
      const good = summary(await waitForRule(editor.document.uri, leak.ruleId));
      const end = editor.document.positionAt(editor.document.getText().length);
      await editor.edit((builder) => builder.insert(end, '\nexport function unfinished( {\n'));
      assert.deepEqual(summary(await settledDiagnostics(editor.document.uri)), good, 'diagnostics after the syntax error');
    }));

  test('fixing the code by typing removes the squiggle before the file is saved', () =>
    withFileRestored(leak.file, async (editor) => {
      // Put the release into a finally block by typing: the leak squiggle goes away, unsaved.
      const fixedText = editor.document
        .getText()
        .replace(
          "  const result = await client.query('SELECT count(*) FROM users');\n  client.release();\n  return Number(result.rows[0].count);\n",
          "  try {\n    const result = await client.query('SELECT count(*) FROM users');\n    return Number(result.rows[0].count);\n  } finally {\n    client.release();\n  }\n",
        );
      assert.notEqual(fixedText, editor.document.getText(), 'the fixture changed; update this test');
      await editor.edit((builder) =>
        builder.replace(new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)), fixedText),
      );
      assert.ok(editor.document.isDirty);
      await waitForDiagnostics(editor.document.uri, 'no leaked-client diagnostic', (list) => !list.some((d) => ruleOf(d) === leak.ruleId));
    }));

  test('a file that never parsed shows no squiggle and breaks nothing', async () => {
    const editor = await openFile(UNPARSABLE_FILE);
    assert.deepEqual(await settledDiagnostics(editor.document.uri), []);
    const other = await openFile(leak.file);
    await waitForRule(other.document.uri, leak.ruleId);
  });

  // VS Code keeps a closed file's document alive for minutes after its tab closes, so the close
  // event (and with it the clearing) is tested on an unsaved new file, whose document ends with its tab.
  test('closing an unsaved file clears its squiggles', async () => {
    const text = readFileSync(workspaceUri(leak.file).fsPath, 'utf8');
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: text });
    await vscode.window.showTextDocument(document);
    const uri = document.uri;
    await waitForRule(uri, leak.ruleId);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('the untitled document to close', () => (document.isClosed ? true : undefined), () => 'still open');
    await waitForDiagnostics(uri, 'the diagnostics to be cleared after closing', (list) => list.length === 0);
  });
});
