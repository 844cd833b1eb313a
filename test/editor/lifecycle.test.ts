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

  test('typing in a large file moves, clears and adds squiggles line by line (analysed on the worker thread)', async () => {
    // 40 functions that release in finally and one that leaks: over 8,000 characters, so the worker thread
    // analyses it, re-parsing only the function typed in.
    const fn = (n: number, leaks: boolean) =>
      leaks
        ? `export async function load${n}(id: number) {\n  const client = await pool.connect();\n  const result = await client.query('SELECT $1::int AS id', [id]);\n  client.release();\n  return result.rows;\n}\n`
        : `export async function load${n}(id: number) {\n  const client = await pool.connect();\n  try {\n    return (await client.query('SELECT $1::int AS id', [id])).rows;\n  } finally {\n    client.release();\n  }\n}\n`;
    const header = "import { Pool } from 'pg';\n\nconst pool = new Pool({ max: 5 });\npool.on('error', (error) => console.error(error));\n\n";
    const text = header + Array.from({ length: 41 }, (_, n) => fn(n, n === 30)).join('\n');
    assert.ok(text.length > 8_000);
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: text });
    const editor = await vscode.window.showTextDocument(document);
    try {
      await typeIntoLargeFile(document, editor);
    } finally {
      // Its squiggles must not outlive the test (the browser checks read the Problems panel).
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  async function typeIntoLargeFile(document: vscode.TextDocument, editor: vscode.TextEditor): Promise<void> {
    const leakLine = () => document.getText().split('\n').findIndex((line) => line.startsWith('export async function load30(')) + 1;
    const leaksAt = (line: number) => (list: vscode.Diagnostic[]) =>
      list.filter((d) => ruleOf(d) === leak.ruleId).map((d) => d.range.start.line).join() === String(line);
    await waitForDiagnostics(document.uri, `one leak on line ${leakLine() + 1}`, leaksAt(leakLine()));

    // A new line typed key by key inside load3, before its checkout and above the leak: the squiggle moves down a line.
    const typeAt = async (offset: number, typed: string) => {
      for (let i = 0; i < typed.length; i++) {
        await editor.edit((builder) => builder.insert(document.positionAt(offset + i), typed[i]), { undoStopBefore: false, undoStopAfter: false });
      }
    };
    await typeAt(document.getText().indexOf('  const client', document.getText().indexOf('function load3(')), '  console.log(id);\n');
    await waitForDiagnostics(document.uri, `the leak moved to line ${leakLine() + 1}`, leaksAt(leakLine()));

    // Typing the release into a finally block of load30 clears it; an early return typed into load35, between
    // its checkout and its try block, leaks there.
    const leaking = "  const result = await client.query('SELECT $1::int AS id', [id]);\n  client.release();\n  return result.rows;";
    const released = "  try {\n    const result = await client.query('SELECT $1::int AS id', [id]);\n    return result.rows;\n  } finally {\n    client.release();\n  }";
    const body = document.getText().indexOf(leaking, document.getText().indexOf('function load30('));
    await editor.edit((builder) => builder.replace(new vscode.Range(document.positionAt(body), document.positionAt(body + leaking.length)), released));
    await waitForDiagnostics(document.uri, 'no leak', (list) => !list.some((d) => ruleOf(d) === leak.ruleId));
    const tryOf35 = document.getText().indexOf('  try {', document.getText().indexOf('function load35('));
    await typeAt(tryOf35, '  if (id < 0) return [];\n');
    const line35 = document.getText().split('\n').findIndex((line) => line.startsWith('export async function load35(')) + 1;
    await waitForDiagnostics(document.uri, `a leak on line ${line35 + 1}`, (list) => {
      const leaks = list.filter((d) => ruleOf(d) === leak.ruleId);
      return leaks.length === 1 && leaks[0].range.start.line === line35 && leaks[0].message.includes('return');
    });
  }

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
