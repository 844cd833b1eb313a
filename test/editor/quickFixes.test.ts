import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXPECTED, type ExpectedFinding } from './expectations';
import {
  activatePoolLens,
  applyCodeAction,
  quickFixesAt,
  waitForRule,
  waitForRuleGone,
  withFileRestored,
} from './support/editor';

/**
 * The light-bulb entries for one squiggle. The workspace turns TypeScript's own checks off; where two
 * Pool Lens squiggles cover the same code (a pool made per request has no error listener either), the
 * entries of the other one, as EXPECTED lists them, are left out. (Code actions come back from
 * `vscode.executeCodeActionProvider` without their diagnostics, so they cannot be told apart otherwise.)
 */
async function actionsFor(editor: vscode.TextEditor, expected: ExpectedFinding): Promise<vscode.CodeAction[]> {
  const [diagnostic] = await waitForRule(editor.document.uri, expected.ruleId);
  const actions = await quickFixesAt(editor.document.uri, diagnostic.range);
  const overlapping = EXPECTED.filter(
    (other) => other !== expected && other.file === expected.file && other.range.every((value, index) => value === expected.range[index]),
  );
  const othersTitles = new Set(
    overlapping.flatMap((other) => [...other.fixes.map((fix) => fix.title), `Disable ${other.ruleId} for this line`, `Show documentation for ${other.ruleId}`]),
  );
  return actions.filter((action) => !othersTitles.has(action.title));
}

suite('Quick fixes', () => {
  suiteSetup(activatePoolLens);

  for (const expected of EXPECTED) {
    test(`${expected.ruleId}: the light bulb lists the fixes, then "Disable", then the documentation`, () =>
      withFileRestored(expected.file, async (editor) => {
        const titles = (await actionsFor(editor, expected)).map((action) => action.title);
        assert.deepEqual(titles, [
          ...expected.fixes.map((fix) => fix.title),
          `Disable ${expected.ruleId} for this line`,
          `Show documentation for ${expected.ruleId}`,
        ]);
      }));

    for (const fix of expected.fixes) {
      test(`${expected.ruleId}: "${fix.title}" rewrites the file and the squiggle goes away`, () =>
        withFileRestored(expected.file, async (editor) => {
          const action = (await actionsFor(editor, expected)).find((candidate) => candidate.title === fix.title);
          assert.ok(action, `no "${fix.title}" action`);
          assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
          assert.notEqual(action.isPreferred, true, 'a fix that changes behaviour must not be preferred (it would be applied by "fix all")');
          await applyCodeAction(action);
          assert.equal(editor.document.getText(), fix.output);
          await waitForRuleGone(editor.document.uri, expected.ruleId);
        }));
    }

    test(`${expected.ruleId}: "Disable ${expected.ruleId} for this line" adds the comment and hides the squiggle`, () =>
      withFileRestored(expected.file, async (editor) => {
        const before = editor.document.getText();
        const line = expected.range[0];
        const indentation = /^\s*/.exec(editor.document.lineAt(line).text)?.[0] ?? '';
        const action = (await actionsFor(editor, expected)).find((candidate) => candidate.title === `Disable ${expected.ruleId} for this line`);
        assert.ok(action, 'no "Disable … for this line" action');
        await applyCodeAction(action);
        const lines = before.split('\n');
        lines.splice(line, 0, `${indentation}// pool-lens-disable-next-line ${expected.ruleId}`);
        assert.equal(editor.document.getText(), lines.join('\n'));
        await waitForRuleGone(editor.document.uri, expected.ruleId);
      }));

    test(`${expected.ruleId}: "Show documentation" opens the rule's page`, () =>
      withFileRestored(expected.file, async (editor) => {
        const action = (await actionsFor(editor, expected)).find((candidate) => candidate.title === `Show documentation for ${expected.ruleId}`);
        assert.ok(action?.command, 'no "Show documentation" action with a command');
        assert.equal(action.edit, undefined, 'showing documentation must not edit the file');
        const registered = await vscode.commands.getCommands(true);
        assert.ok(registered.includes(action.command.command), `its command ${action.command.command} is not registered`);
        assert.ok(
          JSON.stringify(action.command.arguments ?? []).includes(expected.ruleId),
          `its command should name the rule; arguments: ${JSON.stringify(action.command.arguments)}`,
        );
      }));
  }
});
