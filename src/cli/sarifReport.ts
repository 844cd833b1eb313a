import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDocsUrl } from '../core/docs';
import { lineStarts, positionOf } from '../core/lines';
import { RULES } from '../core/rules';
import type { Finding, Range, Severity } from '../core/types';

/** SARIF's name for each severity: `info` is a `note`. */
const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion };
  message?: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

/**
 * Collects findings file by file and prints them as one SARIF 2.1.0 log, the format code-scanning
 * services (GitHub, Azure DevOps) upload. Columns are UTF-16 code units, as the analyzer's offsets are.
 */
export class SarifLog {
  private readonly results: SarifResult[] = [];

  add(display: string, text: string, findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    const starts = lineStarts(text);
    const uri = artifactUri(display);
    const locate = (range: Range, message?: string, id?: number): SarifLocation => ({
      ...(id === undefined ? {} : { id }),
      physicalLocation: { artifactLocation: { uri }, region: region(starts, range) },
      ...(message === undefined ? {} : { message: { text: message } }),
    });
    for (const finding of findings) {
      const related = (finding.related ?? []).map((info, index) => locate(info.range, info.message, index + 1));
      this.results.push({
        ruleId: finding.ruleId,
        ruleIndex: RULES.findIndex((rule) => rule.id === finding.ruleId),
        level: LEVELS[finding.severity],
        message: { text: finding.message },
        locations: [locate(finding.range)],
        ...(related.length > 0 ? { relatedLocations: related } : {}),
      });
    }
  }

  toString(): string {
    const log = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'pool-lens',
              informationUri: 'https://github.com/pool-lens/pool-lens',
              rules: RULES.map((rule) => ({
                id: rule.id,
                shortDescription: { text: rule.meta.description },
                helpUri: ruleDocsUrl(rule.id),
                defaultConfiguration: { level: LEVELS[rule.meta.defaultSeverity] },
              })),
            },
          },
          columnKind: 'utf16CodeUnits',
          results: this.results,
        },
      ],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
  }
}

function region(starts: readonly number[], [from, to]: Range): SarifRegion {
  const start = positionOf(starts, from);
  const end = positionOf(starts, to);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/** A relative path stays relative (forward slashes, percent-encoded); an absolute one becomes a file: URI. */
function artifactUri(display: string): string {
  if (path.isAbsolute(display)) return pathToFileURL(display).href;
  const parts = display.split(/[\\/]/).filter((part, index) => !(index === 0 && part === '.'));
  return parts.map(encodeURIComponent).join('/');
}
