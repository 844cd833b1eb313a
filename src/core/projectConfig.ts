import { RULE_IDS, type RuleId, type RuleOptions, type SeveritySetting } from './types';

/** The project's own config file, at the project root (or any folder above the linted files). */
export const CONFIG_FILE_NAME = 'pool-lens.config.json';
/** The key of package.json that may hold the same object instead. */
export const PACKAGE_JSON_KEY = 'poolLens';

const SEVERITY_SETTINGS: readonly string[] = ['off', 'info', 'warning', 'error'];

/** What a project config says: `{ "rules": { "<id>": "warning" }, "ruleOptions": { "pool-config": { "connectionBudget": 40 } } }`. */
export interface ProjectConfig {
  rules: Partial<Record<RuleId, SeveritySetting>>;
  ruleOptions: RuleOptions;
}

/** A config with the entries that could be used, and one sentence for each entry that could not. */
export interface ConfigReading {
  config: ProjectConfig;
  problems: string[];
}

type OptionCheck = (value: unknown) => string | undefined;

/** The options each rule takes, with what a valid value is; a rule not listed takes none. */
const RULE_OPTION_CHECKS: { [Id in keyof RuleOptions]-?: Record<keyof NonNullable<RuleOptions[Id]>, OptionCheck> } = {
  'pool-config': {
    connectionBudget: (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 1 ? undefined : 'must be a whole number of connections, 1 or more'),
  },
};

/**
 * Validates a parsed config object. `source` names where it came from (a file, or package.json's key)
 * and starts every sentence. A bad entry is left out and the rest still applies.
 */
export function readProjectConfig(value: unknown, source: string): ConfigReading {
  const config: ProjectConfig = { rules: {}, ruleOptions: {} };
  const problems: string[] = [];
  if (!isObject(value)) {
    problems.push(`${source}: the Pool Lens config must be an object with "rules" and "ruleOptions"; it is ignored.`);
    return { config, problems };
  }
  for (const key of Object.keys(value)) {
    if (key !== 'rules' && key !== 'ruleOptions') problems.push(`${source}: unknown key "${key}" is ignored; the config has "rules" and "ruleOptions".`);
  }
  if (value.rules !== undefined) readRules(value.rules, source, config, problems);
  if (value.ruleOptions !== undefined) readRuleOptions(value.ruleOptions, source, config, problems);
  return { config, problems };
}

function readRules(rules: unknown, source: string, config: ProjectConfig, problems: string[]): void {
  if (!isObject(rules)) {
    problems.push(`${source}: "rules" must be an object of rule id → off, info, warning or error; it is ignored.`);
    return;
  }
  for (const [id, severity] of Object.entries(rules)) {
    if (!isRuleId(id)) {
      problems.push(`${source}: "rules" names an unknown rule '${id}', which is ignored; known rules: ${RULE_IDS.join(', ')}.`);
    } else if (typeof severity !== 'string' || !SEVERITY_SETTINGS.includes(severity)) {
      problems.push(`${source}: "rules"."${id}" is ${JSON.stringify(severity)} but must be off, info, warning or error; the rule keeps its default.`);
    } else {
      config.rules[id] = severity as SeveritySetting;
    }
  }
}

function readRuleOptions(ruleOptions: unknown, source: string, config: ProjectConfig, problems: string[]): void {
  if (!isObject(ruleOptions)) {
    problems.push(`${source}: "ruleOptions" must be an object of rule id → options; it is ignored.`);
    return;
  }
  for (const [id, options] of Object.entries(ruleOptions)) {
    if (!isRuleId(id)) {
      problems.push(`${source}: "ruleOptions" names an unknown rule '${id}', which is ignored; known rules: ${RULE_IDS.join(', ')}.`);
      continue;
    }
    const checks: Record<string, OptionCheck> | undefined = (RULE_OPTION_CHECKS as Partial<Record<RuleId, Record<string, OptionCheck>>>)[id];
    if (!checks) {
      problems.push(`${source}: the rule '${id}' takes no options; "ruleOptions"."${id}" is ignored.`);
      continue;
    }
    if (!isObject(options)) {
      problems.push(`${source}: "ruleOptions"."${id}" must be an object; it is ignored.`);
      continue;
    }
    const accepted: Record<string, unknown> = {};
    for (const [name, option] of Object.entries(options)) {
      const check = Object.hasOwn(checks, name) ? checks[name] : undefined;
      const complaint = check ? check(option) : `is not an option of '${id}' (its options: ${Object.keys(checks).join(', ')})`;
      if (complaint) problems.push(`${source}: "ruleOptions"."${id}"."${name}" ${complaint}; it is ignored.`);
      else accepted[name] = option;
    }
    if (Object.keys(accepted).length > 0) (config.ruleOptions as Record<string, unknown>)[id] = accepted;
  }
}

/**
 * The editor's view: the project config, with the settings the user set explicitly on top, rule by rule
 * and option by option. Settings win because they are what the user changes in the Settings UI and
 * expects to see take effect; the project file is the team's baseline for everything left unset.
 */
export function mergeWithSettings(project: ProjectConfig | undefined, settings: Partial<ProjectConfig>): ProjectConfig {
  const ruleOptions: Record<string, object> = { ...project?.ruleOptions };
  for (const [id, options] of Object.entries(settings.ruleOptions ?? {})) {
    // A setting left unset may arrive as `undefined`; it must not hide the project file's value.
    const set = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
    if (set.length > 0) ruleOptions[id] = { ...ruleOptions[id], ...Object.fromEntries(set) };
  }
  return { rules: { ...project?.rules, ...settings.rules }, ruleOptions: ruleOptions as RuleOptions };
}

function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
