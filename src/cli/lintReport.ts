import type { Finding } from '../core/types';
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

export interface LintReport {
  filesScanned: number;
  findings: ReportedFinding[];
}

/** Turns one file's offset-based findings into reported findings with line/column positions. */
export function reportFindings(display: string, text: string, findings: readonly Finding[]): ReportedFinding[] {
  // Most files have no findings; scanning their text for line starts was a tenth of a gated lint.
  if (findings.length === 0) return [];
  const starts = lineStarts(text);
  return findings.map((finding) => {
    const start = positionOf(starts, finding.range[0]);
    const end = positionOf(starts, finding.range[1]);
    return {
      file: display,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
    };
  });
}

export function formatReport(report: LintReport, format: LintFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
}

/** `file:line:column  severity  message  ruleId` lines, then one summary line. */
function formatText(report: LintReport): string {
  const lines = report.findings.map(
    (finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.message}  ${finding.ruleId}`,
  );
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

function summary(report: LintReport): string {
  const files = plural(report.filesScanned, 'file');
  if (report.findings.length === 0) return `No problems found in ${files}.`;
  const count = (severity: string): number => report.findings.filter((finding) => finding.severity === severity).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), `${count('info')} info`];
  return `${plural(report.findings.length, 'problem')} (${parts.join(', ')}) in ${files}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
