import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXPECTED } from './expectations';
import {
  activatePoolLens,
  applyCodeAction,
  openFile,
  quickFixesAt,
  ruleOf,
  setText,
  waitForDiagnostics,
  withFileRestored,
  withWorkspaceSetting,
  workspaceUri,
} from './support/editor';
import { waitFor } from './support/wait';

const leak = EXPECTED.find((expected) => expected.ruleId === 'leaked-client')!;
const CONFIG_FILE = 'pool-lens.config.json';

/** Writes the project config at the workspace root for the body, then deletes it. */
async function withProjectConfig(config: unknown, body: () => Promise<void>): Promise<void> {
  const uri = workspaceUri(CONFIG_FILE);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(typeof config === 'string' ? config : JSON.stringify(config, null, 2)));
  try {
    await body();
  } finally {
    await vscode.workspace.fs.delete(uri);
  }
}

function leakWithSeverity(uri: vscode.Uri, severity: vscode.DiagnosticSeverity): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, `${leak.ruleId} as ${vscode.DiagnosticSeverity[severity]}`, (list) =>
    list.some((d) => ruleOf(d) === leak.ruleId && d.severity === severity),
  );
}

suite('Project config and unused suppressions', () => {
  suiteSetup(activatePoolLens);

  test('pool-lens.config.json at the workspace root sets a severity, is re-read when it changes, and settings win over it', async () => {
    const editor = await openFile(leak.file);
    await leakWithSeverity(editor.document.uri, leak.severity);
    await withProjectConfig({ rules: { [leak.ruleId]: 'error' } }, async () => {
      await leakWithSeverity(editor.document.uri, vscode.DiagnosticSeverity.Error);
      await withWorkspaceSetting('poolLens.rules', { [leak.ruleId]: 'info' }, async () => {
        await leakWithSeverity(editor.document.uri, vscode.DiagnosticSeverity.Information);
      });
      await leakWithSeverity(editor.document.uri, vscode.DiagnosticSeverity.Error);
      await vscode.workspace.fs.writeFile(workspaceUri(CONFIG_FILE), Buffer.from(JSON.stringify({ rules: { [leak.ruleId]: 'off' } })));
      await waitForDiagnostics(editor.document.uri, `no ${leak.ruleId}`, (list) => !list.some((d) => ruleOf(d) === leak.ruleId));
    });
    await leakWithSeverity(editor.document.uri, leak.severity);
  });

  test('a config file that is not JSON is ignored: the rules keep their severities', async () => {
    const editor = await openFile(leak.file);
    await withProjectConfig('{ "rules": { "leaked-client": "off", } }', async () => {
      // Let the watcher's re-analysis happen, then the leak must still be there at its default severity.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await leakWithSeverity(editor.document.uri, leak.severity);
    });
  });

  test('pool-lens.config.json is checked against its JSON schema: an unknown rule id and a bad severity are squiggled', async () => {
    await withProjectConfig({ rules: { 'leaked-clients': 'off', 'pool-per-request': 'loud' } }, async () => {
      const document = await vscode.workspace.openTextDocument(workspaceUri(CONFIG_FILE));
      await vscode.window.showTextDocument(document, { preview: false });
      const problems = await waitFor(
        'schema diagnostics in pool-lens.config.json',
        () => {
          const list = vscode.languages.getDiagnostics(document.uri);
          return list.length >= 2 ? list : undefined;
        },
        () => JSON.stringify(vscode.languages.getDiagnostics(document.uri).map((d) => d.message)),
      );
      const squiggled = problems.map((d) => document.getText(d.range)).sort();
      assert.deepEqual(squiggled, ['"leaked-clients"', '"loud"']);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  test('an unused pool-lens-disable-next-line is a faded Hint whose quick fix removes the comment', async () => {
    await withFileRestored(leak.file, async (editor) => {
      const original = editor.document.getText();
      const firstLineBreak = original.indexOf('\n') + 1;
      const directive = '// pool-lens-disable-next-line leaked-client -- nothing here leaks\n';
      await setText(editor.document, original.slice(0, firstLineBreak) + directive + original.slice(firstLineBreak));
      const [hint] = (
        await waitForDiagnostics(editor.document.uri, 'an unused suppression hint', (list) => list.some((d) => d.severity === vscode.DiagnosticSeverity.Hint))
      ).filter((d) => d.severity === vscode.DiagnosticSeverity.Hint);
      assert.equal(hint.message, "'leaked-client' suppresses nothing on the next line.");
      assert.deepEqual(hint.tags, [vscode.DiagnosticTag.Unnecessary]);
      assert.equal(hint.code, undefined, 'an unused suppression is not a rule finding');
      assert.equal(editor.document.getText(hint.range), directive.trimEnd());
      const fixes = await quickFixesAt(editor.document.uri, hint.range);
      const remove = fixes.find((action) => action.title === 'Remove this unused suppression');
      assert.ok(remove, `offered: ${fixes.map((action) => action.title).join(', ')}`);
      assert.ok(!fixes.some((action) => action.title.startsWith('Disable ')), 'no "Disable … for this line" for a suppression');
      await applyCodeAction(remove);
      assert.equal(editor.document.getText(), original);
      await waitForDiagnostics(editor.document.uri, 'the hint to go away', (list) => !list.some((d) => d.severity === vscode.DiagnosticSeverity.Hint));
    });
  });
});
