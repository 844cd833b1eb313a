/**
 * `pool-lens/eslint`: the Pool Lens rules as an ESLint 9 flat-config plugin (bundled as dist/eslint.js).
 *
 *     import poolLens from 'pool-lens/eslint';
 *     export default [poolLens.configs.recommended];
 *     // or, with cross-file facts (pools imported from other modules, package.json scripts):
 *     export default [poolLens.configs.recommended, await poolLens.withProject(import.meta.dirname)];
 */
import type { ESLint, Linter, Rule } from 'eslint';
import { version } from '../../package.json';
import { SOURCE_EXTENSIONS } from '../core/parse';
import { RULES } from '../core/rules';
import type { Severity } from '../core/types';
import { indexProject } from './projectFacts';
import { eslintRule, SETTINGS_KEY } from './rules';

const PLUGIN_NAME = 'pool-lens';
/** ESLint has no "info" level; an info rule is a warning there. */
const ESLINT_SEVERITIES: Record<Severity, Linter.RuleSeverity> = { error: 'error', warning: 'warn', info: 'warn' };

const rules: Record<string, Rule.RuleModule> = Object.fromEntries(RULES.map((rule) => [rule.id, eslintRule(rule)]));

const plugin = {
  meta: { name: PLUGIN_NAME, version },
  rules,
  configs: {
    /**
     * Every rule at its default severity, for every JS/TS extension Pool Lens lints (naming them makes
     * `eslint .` reach .ts files too; those still need a TypeScript parser configured, as for any rule).
     */
    recommended: {
      name: `${PLUGIN_NAME}/recommended`,
      files: SOURCE_EXTENSIONS.map((extension) => `**/*${extension}`),
      plugins: {} as Record<string, ESLint.Plugin>,
      rules: Object.fromEntries(RULES.map((rule) => [`${PLUGIN_NAME}/${rule.id}`, ESLINT_SEVERITIES[rule.meta.defaultSeverity]])),
    } satisfies Linter.Config,
  },
  /**
   * Indexes the project under `root` once, when the ESLint config loads, and returns a config whose
   * settings let the rules use what other files say, as `pool-lens lint` does. The facts are not
   * refreshed while a long-running ESLint (an editor) keeps the config loaded.
   */
  async withProject(root: string): Promise<Linter.Config> {
    return { name: `${PLUGIN_NAME}/project`, settings: { [SETTINGS_KEY]: { projectRoot: await indexProject(root) } } };
  },
} satisfies ESLint.Plugin & { withProject(root: string): Promise<Linter.Config> };
plugin.configs.recommended.plugins[PLUGIN_NAME] = plugin;

export = plugin;
