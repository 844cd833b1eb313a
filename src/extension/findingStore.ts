import type * as vscode from 'vscode';
import type { Finding } from '../core/types';

interface DocumentFindings {
  version: number;
  byKey: Map<string, Finding>;
}

/**
 * The findings behind the published diagnostics, so code actions can offer a finding's fixes without
 * analysing again. Looked up by document version + range + rule: after an edit the stored offsets no
 * longer match the text, and a stale finding must not produce an edit.
 */
export class FindingStore {
  private readonly documents = new Map<string, DocumentFindings>();

  record(document: vscode.TextDocument, entries: ReadonlyArray<{ diagnostic: vscode.Diagnostic; finding: Finding }>): void {
    const byKey = new Map<string, Finding>();
    for (const { diagnostic, finding } of entries) byKey.set(keyOf(diagnostic.range, finding.ruleId), finding);
    this.documents.set(document.uri.toString(), { version: document.version, byKey });
  }

  find(document: vscode.TextDocument, range: vscode.Range, ruleId: string): Finding | undefined {
    const stored = this.documents.get(document.uri.toString());
    if (!stored || stored.version !== document.version) return undefined;
    return stored.byKey.get(keyOf(range, ruleId));
  }

  delete(uri: vscode.Uri): void {
    this.documents.delete(uri.toString());
  }

  clear(): void {
    this.documents.clear();
  }
}

function keyOf(range: vscode.Range, ruleId: string): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${ruleId}`;
}
