import * as path from 'node:path';
import type { Rule } from 'eslint';
import { ruleDocsUrl } from '../core/docs';
import type { Finding, Rule as CoreRule, RuleOptions } from '../core/types';
import { analysisOf } from './analysisCache';
import { factsFor } from './projectFacts';

/** The ESLint settings key the plugin reads: `settings: { 'pool-lens': { projectRoot } }`, set by `withProject()`. */
export const SETTINGS_KEY = 'pool-lens';

/** JSON schemas of the options each rule takes, mirroring `RuleOptions`; a rule not listed takes none. */
const OPTION_SCHEMAS: { [Id in keyof RuleOptions]-?: object } = {
  'pool-config': {
    type: 'object',
    properties: { connectionBudget: { type: 'integer', minimum: 1, description: 'Connections one instance of the app may open across all its pools.' } },
    additionalProperties: false,
  },
};

/**
 * One Pool Lens rule as an ESLint rule. It does not walk ESLint's AST: the core analyses the file's text
 * with its own typescript-estree parse (its pg model, flow analysis and comment scan need that tree,
 * whatever parser ESLint is configured with), once per file for all eight rules, and each rule reports
 * its own findings. Fixes become suggestions, never autofixes: they change what the program does.
 */
export function eslintRule(rule: CoreRule): Rule.RuleModule {
  const optionSchema = (OPTION_SCHEMAS as Record<string, object | undefined>)[rule.id];
  return {
    meta: {
      type: rule.meta.type,
      docs: { description: rule.meta.description, recommended: true, url: ruleDocsUrl(rule.id) },
      hasSuggestions: rule.meta.hasFixes,
      schema: optionSchema ? [optionSchema] : [],
    },
    create(context) {
      return {
        'Program:exit'() {
          const fileName = fileNameOf(context);
          const project = factsFor((context.settings[SETTINGS_KEY] as { projectRoot?: unknown } | undefined)?.projectRoot, fileName);
          const given = context.options[0] as Record<string, unknown> | undefined;
          const only = given && Object.keys(given).length > 0 ? { ruleId: rule.id, ruleOptions: { [rule.id]: given } as RuleOptions } : undefined;
          for (const finding of analysisOf(context.sourceCode, fileName, project, only).findings) {
            if (finding.ruleId === rule.id) context.report(descriptor(context, finding));
          }
        },
      };
    },
  };
}

function descriptor(context: Rule.RuleContext, finding: Finding): Rule.ReportDescriptor {
  const { sourceCode } = context;
  return {
    loc: { start: sourceCode.getLocFromIndex(finding.range[0]), end: sourceCode.getLocFromIndex(finding.range[1]) },
    message: finding.message,
    suggest: (finding.fixes ?? []).map((fix) => ({
      desc: fix.title,
      fix: (fixer) => fix.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
    })),
  };
}

/**
 * The name the core sees: the file on disk, so relative imports resolve against the project. Text
 * linted without a file name (`<text>`) is analysed as TypeScript, which also parses plain JavaScript.
 */
function fileNameOf(context: Rule.RuleContext): string {
  const name = context.physicalFilename;
  return path.extname(name) ? name : path.join(context.cwd, 'input.ts');
}
