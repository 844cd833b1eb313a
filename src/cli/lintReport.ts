import type { UnusedSuppression } from '../core/suppressions';
import type { Finding, Range } from '../core/types';
import { lineStarts, positionOf } from '../core/lines';
import type { LintFormat } from './args';

/** One finding as the CLI reports it: 1-based positions, the end column just past the last character. */
export interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: string;
  message: string;
}

/** A `pool-lens-disable-next-line` comment that suppresses nothing (or names no rule), at the comment. */
export interface ReportedSuppression {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface LintReport {
  filesScanned: number;
  findings: ReportedFinding[];
  /** Not in DESIGN.md's contract: added after it, so readers of `findings` see no change. */
  unusedSuppressions: ReportedSuppression[];
}

/** Turns one file's offset-based findings into reported findings with line/column positions. */
export function reportFindings(display: string, text: string, findings: readonly Finding[]): ReportedFinding[] {
  // Most files have no findings; scanning their text for line starts was a tenth of a gated lint.
  if (findings.length === 0) return [];
  const locate = locator(display, text);
  return findings.map((finding) => ({ ...locate(finding.range), ruleId: finding.ruleId, severity: finding.severity, message: finding.message }));
}

/** Turns one file's unused suppressions into reported ones with line/column positions. */
export function reportUnusedSuppressions(display: string, text: string, unused: readonly UnusedSuppression[]): ReportedSuppression[] {
  if (unused.length === 0) return [];
  const locate = locator(display, text);
  return unused.map((suppression) => ({ ...locate(suppression.range), message: suppression.message }));
}

function locator(display: string, text: string): (range: Range) => Pick<ReportedFinding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  const starts = lineStarts(text);
  return (range) => {
    const start = positionOf(starts, range[0]);
    const end = positionOf(starts, range[1]);
    return { file: display, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
}

export function formatReport(report: LintReport, format: LintFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
}

/**
 * `file:line:column  severity  message  ruleId` lines, then `file:line:column  unused suppression  message`
 * lines, then one summary line.
 */
function formatText(report: LintReport): string {
  const lines = report.findings.map(
    (finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.message}  ${finding.ruleId}`,
  );
  for (const unused of report.unusedSuppressions) lines.push(`${unused.file}:${unused.line}:${unused.column}  unused suppression  ${unused.message}`);
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

function summary(report: LintReport): string {
  const files = plural(report.filesScanned, 'file');
  const unused = report.unusedSuppressions.length > 0 ? ` ${plural(report.unusedSuppressions.length, 'unused suppression')}.` : '';
  if (report.findings.length === 0) return `No problems found in ${files}.${unused}`;
  const count = (severity: string): number => report.findings.filter((finding) => finding.severity === severity).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), `${count('info')} info`];
  return `${plural(report.findings.length, 'problem')} (${parts.join(', ')}) in ${files}.${unused}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
