import * as vscode from 'vscode';
import { ruleDocsUrl } from '../core/docs';
import type { UnusedSuppression } from '../core/suppressions';
import type { Finding, Range, Severity } from '../core/types';
import { DIAGNOSTIC_SOURCE } from './constants';

const SEVERITIES: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The one place an analyzer finding becomes a VS Code diagnostic. */
export function toDiagnostic(finding: Finding, document: vscode.TextDocument): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(document, finding.range), finding.message, SEVERITIES[finding.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.ruleId, target: vscode.Uri.parse(ruleDocsUrl(finding.ruleId)) };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map(
      (related) => new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, toRange(document, related.range)), related.message),
    );
  }
  return diagnostic;
}

/**
 * A suppression comment that suppresses nothing: a faded Hint (no squiggle, no Problems entry by default),
 * like unused code. It has no rule id as its code, so no "Disable … for this line" is offered for it.
 */
export function unusedSuppressionDiagnostic(suppression: UnusedSuppression, document: vscode.TextDocument): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(document, suppression.range), suppression.message, vscode.DiagnosticSeverity.Hint);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.tags = [vscode.DiagnosticTag.Unnecessary];
  return diagnostic;
}

/** Offsets of the analysed text → an editor range. Valid only for the document version that was analysed. */
export function toRange(document: vscode.TextDocument, range: Range): vscode.Range {
  return new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1]));
}

/** The rule id a Pool Lens diagnostic carries in its `code`, if it is one of ours. */
export function ruleIdOf(diagnostic: vscode.Diagnostic): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}
