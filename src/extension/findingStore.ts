import type * as vscode from 'vscode';
import type { UnusedSuppression } from '../core/suppressions';
import type { Finding } from '../core/types';

interface DocumentFindings {
  version: number;
  byKey: Map<string, Finding>;
  unusedByKey: Map<string, UnusedSuppression>;
}

/**
 * The findings behind the published diagnostics, so code actions can offer a finding's fixes without
 * analysing again. Looked up by document version + range + rule: after an edit the stored offsets no
 * longer match the text, and a stale finding must not produce an edit.
 */
export class FindingStore {
  private readonly documents = new Map<string, DocumentFindings>();

  record(
    document: vscode.TextDocument,
    entries: ReadonlyArray<{ diagnostic: vscode.Diagnostic; finding: Finding }>,
    unused: ReadonlyArray<{ diagnostic: vscode.Diagnostic; suppression: UnusedSuppression }> = [],
  ): void {
    const byKey = new Map<string, Finding>();
    for (const { diagnostic, finding } of entries) byKey.set(keyOf(diagnostic.range, finding.ruleId), finding);
    const unusedByKey = new Map<string, UnusedSuppression>();
    for (const { diagnostic, suppression } of unused) unusedByKey.set(keyOf(diagnostic.range, ''), suppression);
    this.documents.set(document.uri.toString(), { version: document.version, byKey, unusedByKey });
  }

  find(document: vscode.TextDocument, range: vscode.Range, ruleId: string): Finding | undefined {
    const stored = this.documents.get(document.uri.toString());
    if (!stored || stored.version !== document.version) return undefined;
    return stored.byKey.get(keyOf(range, ruleId));
  }

  /** The unused suppression behind a Hint diagnostic, for the analysed version of the document only. */
  findUnusedSuppression(document: vscode.TextDocument, range: vscode.Range): UnusedSuppression | undefined {
    const stored = this.documents.get(document.uri.toString());
    if (!stored || stored.version !== document.version) return undefined;
    return stored.unusedByKey.get(keyOf(range, ''));
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
