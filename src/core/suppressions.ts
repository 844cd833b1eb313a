import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { RULE_IDS, type RuleId } from './types';

const DIRECTIVE = /^\s*pool-lens-disable-next-line\b(.*)$/;

/** 1-based line → the rules suppressed on it (`'all'` when the directive names none). */
export type Suppressions = Map<number, Set<RuleId> | 'all'>;

/** Reads `// pool-lens-disable-next-line <id>[, <id>] [-- reason]` comments. */
export function readSuppressions(comments: readonly TSESTree.Comment[] | undefined): Suppressions {
  const result: Suppressions = new Map();
  for (const comment of comments ?? []) {
    const match = DIRECTIVE.exec(comment.value);
    if (!match) continue;
    const ids = match[1].split('--')[0].split(/[\s,]+/).filter(Boolean);
    const line = comment.loc.end.line + 1;
    if (ids.length === 0) {
      result.set(line, 'all');
      continue;
    }
    const existing = result.get(line);
    if (existing === 'all') continue;
    const set = existing ?? new Set<RuleId>();
    for (const id of ids) if ((RULE_IDS as readonly string[]).includes(id)) set.add(id as RuleId);
    result.set(line, set);
  }
  return result;
}

export function isSuppressed(suppressions: Suppressions, line: number, ruleId: RuleId): boolean {
  const entry = suppressions.get(line);
  return entry === 'all' || (entry !== undefined && entry.has(ruleId));
}
