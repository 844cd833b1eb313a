import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXPECTED } from './expectations';
import { activatePoolLens, openFile, poolLensDiagnostics, waitForDiagnostics, waitForRule, waitForRuleGone, ruleOf, withWorkspaceSetting } from './support/editor';

const leak = EXPECTED.find((expected) => expected.ruleId === 'leaked-client')!;
const perRequest = EXPECTED.find((expected) => expected.ruleId === 'pool-per-request')!;

suite('Rule severities from settings', () => {
  suiteSetup(activatePoolLens);

  test('"off" in poolLens.rules removes the rule\'s squiggles, and they come back when the setting is removed', async () => {
    const editor = await openFile(leak.file);
    await waitForRule(editor.document.uri, leak.ruleId);
    await withWorkspaceSetting('poolLens.rules', { [leak.ruleId]: 'off' }, async () => {
      await waitForRuleGone(editor.document.uri, leak.ruleId);
    });
    await waitForRule(editor.document.uri, leak.ruleId);
  });

  for (const [setting, severity] of [
    ['error', vscode.DiagnosticSeverity.Error],
    ['info', vscode.DiagnosticSeverity.Information],
  ] as const) {
    test(`"${setting}" in poolLens.rules shows the squiggle as ${vscode.DiagnosticSeverity[severity]}`, async () => {
      const editor = await openFile(leak.file);
      await waitForRule(editor.document.uri, leak.ruleId);
      await withWorkspaceSetting('poolLens.rules', { [leak.ruleId]: setting }, async () => {
        await waitForDiagnostics(editor.document.uri, `${leak.ruleId} as ${setting}`, (list) =>
          list.some((d) => ruleOf(d) === leak.ruleId && d.severity === severity),
        );
      });
      await waitForDiagnostics(editor.document.uri, `${leak.ruleId} back at its default severity`, (list) =>
        list.some((d) => ruleOf(d) === leak.ruleId && d.severity === leak.severity),
      );
    });
  }

  test('poolLens.connectionBudget reaches pool-config: a pool without max is flagged under a budget below 10, and not once it is removed', async () => {
    // src/poolConfig.ts sets no max, so pg's default of 10 applies.
    const editor = await openFile('src/poolConfig.ts');
    const overBudget = (list: vscode.Diagnostic[]) => list.some((d) => ruleOf(d) === 'pool-config' && d.message.includes('connection budget of 4'));
    await waitForRule(editor.document.uri, 'pool-config');
    assert.equal(overBudget(poolLensDiagnostics(editor.document.uri)), false, 'no budget check before the setting');
    await withWorkspaceSetting('poolLens.connectionBudget', 4, async () => {
      await waitForDiagnostics(editor.document.uri, 'the max-over-budget finding', overBudget);
    });
    await waitForDiagnostics(editor.document.uri, 'the max-over-budget finding gone', (list) => !overBudget(list));
  });

  test('the workspace .vscode/settings.json is read: pool-per-request is raised to Error', async () => {
    const editor = await openFile(perRequest.file);
    const [diagnostic] = await waitForRule(editor.document.uri, perRequest.ruleId);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  });
});
