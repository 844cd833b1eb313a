import type { SourceCode } from 'eslint';
import { analyzeFile, type FileAnalysis } from '../core/analyze';
import { ParseFailure } from '../core/parse';
import type { ProjectFacts } from '../core/project';
import { RULE_IDS, type AnalyzeOptions, type RuleId } from '../core/types';

const NOTHING: FileAnalysis = { findings: [], unusedSuppressions: [] };

/**
 * One analysis per linted file and option set, shared by the eight ESLint rules: keyed by ESLint's
 * SourceCode object (one per file and lint run), so the rules of one file find it and nothing outlives it.
 */
const cache = new WeakMap<SourceCode, Map<string, FileAnalysis>>();

/**
 * The analysis of a file's text with every rule at its default severity (ESLint decides severities).
 * `only` limits it to one rule, for a rule given options: those options change only that rule's findings.
 * A text the core's parser rejects yields nothing: ESLint's own parser reports syntax errors.
 */
export function analysisOf(
  sourceCode: SourceCode,
  fileName: string,
  project: ProjectFacts | undefined,
  only?: { ruleId: RuleId; ruleOptions: AnalyzeOptions['ruleOptions'] },
): FileAnalysis {
  let byKey = cache.get(sourceCode);
  if (!byKey) {
    byKey = new Map();
    cache.set(sourceCode, byKey);
  }
  const key = only ? `${only.ruleId} ${JSON.stringify(only.ruleOptions)}` : '';
  let analysis = byKey.get(key);
  if (!analysis) {
    const options: AnalyzeOptions = { project, ...(only ? { rules: onlyRule(only.ruleId), ruleOptions: only.ruleOptions } : {}) };
    try {
      analysis = analyzeFile(sourceCode.text, fileName, options);
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      analysis = NOTHING;
    }
    byKey.set(key, analysis);
  }
  return analysis;
}

function onlyRule(ruleId: RuleId): AnalyzeOptions['rules'] {
  return Object.fromEntries(RULE_IDS.map((id) => [id, id === ruleId ? 'warning' : 'off']));
}
