import * as vscode from 'vscode';
import type { Fix } from '../core/types';
import { CommandId, DIAGNOSTIC_SOURCE } from './constants';
import { ruleIdOf, toRange } from './convert';
import type { FindingStore } from './findingStore';

const DIRECTIVE = 'pool-lens-disable-next-line';
/** An existing directive line without a reason, to which another rule id can be appended. */
const EXTENDABLE_DIRECTIVE = new RegExp(`^(\\s*//\\s*${DIRECTIVE}\\s+[\\w-]+(?:\\s*,\\s*[\\w-]+)*)\\s*$`);

/**
 * Quick fixes for Pool Lens diagnostics, per diagnostic and in this order: the finding's own fixes
 * (never preferred: they change what the program does, so the user picks them), "Disable <rule> for
 * this line", "Show documentation for <rule>". Fixes come from the findings recorded when the
 * diagnostics were published; nothing is analysed here.
 */
export class PoolLensCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly findings: FindingStore) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const ruleId = ruleIdOf(diagnostic);
      if (ruleId === undefined) {
        const unused = diagnostic.source === DIAGNOSTIC_SOURCE ? this.findings.findUnusedSuppression(document, diagnostic.range) : undefined;
        if (unused) {
          const action = fixAction(document, diagnostic, unused.fix);
          // Removing a comment changes nothing at run time, so this one may be the preferred fix.
          action.isPreferred = true;
          actions.push(action);
        }
        continue;
      }
      const finding = this.findings.find(document, diagnostic.range, ruleId);
      for (const fix of finding?.fixes ?? []) actions.push(fixAction(document, diagnostic, fix));
      actions.push(disableAction(document, diagnostic, ruleId));
      actions.push(docsAction(diagnostic, ruleId));
    }
    return actions;
  }
}

function fixAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: Fix): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = false;
  action.edit = new vscode.WorkspaceEdit();
  for (const edit of fix.edits) action.edit.replace(document.uri, toRange(document, edit.range), edit.text);
  return action;
}

/** Adds `// pool-lens-disable-next-line <id>` above the line, indented like it (or extends a directive already there). */
function disableAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, ruleId: string): vscode.CodeAction {
  const action = new vscode.CodeAction(`Disable ${ruleId} for this line`, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.edit = new vscode.WorkspaceEdit();
  const line = document.lineAt(diagnostic.range.start.line);
  const previous = line.lineNumber > 0 ? document.lineAt(line.lineNumber - 1) : undefined;
  const existing = previous ? EXTENDABLE_DIRECTIVE.exec(previous.text) : null;
  if (previous && existing) {
    action.edit.insert(document.uri, new vscode.Position(previous.lineNumber, existing[1].length), `, ${ruleId}`);
  } else {
    const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    action.edit.insert(document.uri, line.range.start, `${indent}// ${DIRECTIVE} ${ruleId}${eol}`);
  }
  return action;
}

function docsAction(diagnostic: vscode.Diagnostic, ruleId: string): vscode.CodeAction {
  const title = `Show documentation for ${ruleId}`;
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.command = { command: CommandId.showRuleDocs, title, arguments: [ruleId] };
  return action;
}
