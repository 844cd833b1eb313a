import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ruleDocsUrl } from '../../src/core/docs';
import type { RuleId } from '../../src/core/types';
import { CLEAN_FILE, EXPECTED } from './expectations';
import { activatePoolLens, openFile, settledDiagnostics, waitForRule } from './support/editor';

suite('Squiggles', () => {
  suiteSetup(activatePoolLens);

  for (const expected of EXPECTED) {
    test(`${expected.ruleId}: ${expected.file} shows one squiggle on \`${expected.text}\``, async () => {
      const editor = await openFile(expected.file);
      const diagnostics = await waitForRule(editor.document.uri, expected.ruleId);
      assert.equal(diagnostics.length, 1, `expected one ${expected.ruleId} diagnostic, got ${diagnostics.length}`);
      const [diagnostic] = diagnostics;
      const { start, end } = diagnostic.range;
      assert.deepEqual([start.line, start.character, end.line, end.character], expected.range, 'range (zero-based line, character)');
      assert.equal(editor.document.getText(diagnostic.range), expected.text);
      assert.equal(diagnostic.source, 'pool-lens');
      assert.equal(diagnostic.severity, expected.severity, `severity ${vscode.DiagnosticSeverity[diagnostic.severity]}`);
      assert.ok(diagnostic.message.includes(expected.messageIncludes), `message "${diagnostic.message}" should mention "${expected.messageIncludes}"`);
      const code = diagnostic.code;
      assert.ok(typeof code === 'object' && code !== null && 'target' in code, 'the rule id should be a link (code with a target)');
      assert.equal(code.value, expected.ruleId);
      assert.equal(code.target.toString(true), vscode.Uri.parse(ruleDocsUrl(expected.ruleId as RuleId)).toString(true));
      assert.match(code.target.path, new RegExp(`/docs/rules/${expected.ruleId}\\.md$`));
    });
  }

  test('correct code shows no Pool Lens squiggle', async () => {
    const editor = await openFile(CLEAN_FILE);
    assert.deepEqual(await settledDiagnostics(editor.document.uri), []);
  });
});
