import type { RuleId } from './types';

export const DOCS_BASE_URL = 'https://github.com/pool-lens/pool-lens/blob/main/docs/rules/';

export function ruleDocsUrl(ruleId: RuleId): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}
