import * as assert from 'node:assert/strict';
import { mergeWithSettings, readProjectConfig } from '../../src/core/projectConfig';

describe('project config', () => {
  it('keeps valid severities and options', () => {
    const reading = readProjectConfig({ rules: { 'leaked-client': 'error', 'pool-config': 'off' }, ruleOptions: { 'pool-config': { connectionBudget: 40 } } }, 'cfg.json');
    assert.deepEqual(reading, { config: { rules: { 'leaked-client': 'error', 'pool-config': 'off' }, ruleOptions: { 'pool-config': { connectionBudget: 40 } } }, problems: [] });
  });

  it('leaves out each bad entry with one sentence naming the source, and keeps the rest', () => {
    const reading = readProjectConfig(
      { rules: { 'leaked-client': 'info', nope: 'error' }, ruleOptions: { 'leaked-client': { x: 1 }, 'pool-config': { connectionBudget: 40, budget: 3 } }, extends: 'x' },
      'package.json ("poolLens")',
    );
    assert.deepEqual(reading.config, { rules: { 'leaked-client': 'info' }, ruleOptions: { 'pool-config': { connectionBudget: 40 } } });
    assert.deepEqual(reading.problems, [
      'package.json ("poolLens"): unknown key "extends" is ignored; the config has "rules" and "ruleOptions".',
      `package.json ("poolLens"): "rules" names an unknown rule 'nope', which is ignored; known rules: leaked-client, pool-per-request, script-without-end, transaction-on-pool, double-release, missing-rollback, missing-error-handler, pool-config.`,
      `package.json ("poolLens"): the rule 'leaked-client' takes no options; "ruleOptions"."leaked-client" is ignored.`,
      `package.json ("poolLens"): "ruleOptions"."pool-config"."budget" is not an option of 'pool-config' (its options: connectionBudget); it is ignored.`,
    ]);
  });

  it('ignores a config that is not an object, saying so', () => {
    assert.deepEqual(readProjectConfig(['leaked-client'], 'cfg.json'), {
      config: { rules: {}, ruleOptions: {} },
      problems: ['cfg.json: the Pool Lens config must be an object with "rules" and "ruleOptions"; it is ignored.'],
    });
  });

  it('lets settings the user set win rule by rule and option by option, and unset ones leave the file alone', () => {
    const project = { rules: { 'leaked-client': 'error', 'double-release': 'info' }, ruleOptions: { 'pool-config': { connectionBudget: 40 } } } as const;
    assert.deepEqual(mergeWithSettings(project, { rules: { 'leaked-client': 'off' }, ruleOptions: { 'pool-config': { connectionBudget: undefined } } }), {
      rules: { 'leaked-client': 'off', 'double-release': 'info' },
      ruleOptions: { 'pool-config': { connectionBudget: 40 } },
    });
    assert.deepEqual(mergeWithSettings(project, { ruleOptions: { 'pool-config': { connectionBudget: 20 } } }).ruleOptions, { 'pool-config': { connectionBudget: 20 } });
    assert.deepEqual(mergeWithSettings(undefined, { rules: { 'leaked-client': 'warning' } }), { rules: { 'leaked-client': 'warning' }, ruleOptions: {} });
  });
});
