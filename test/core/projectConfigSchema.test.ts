import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { readProjectConfig } from '../../src/core/projectConfig';
import { RULES } from '../../src/core/rules';

const ROOT = path.resolve(__dirname, '..', '..');
const readJson = (file: string): Record<string, any> => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, any>;

/**
 * docs/pool-lens.config.schema.json gives completion and squiggles in pool-lens.config.json and in
 * package.json's "poolLens" key (package.json contributes it). It must say what readProjectConfig says.
 */
describe('project config JSON schema', () => {
  const schema = readJson('docs/pool-lens.config.schema.json');
  // enumDescriptions is VS Code's addition to JSON Schema.
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it('lists every rule with its description and default severity, and pool-config\'s options', () => {
    const rules = schema.properties.rules.properties as Record<string, { description: string; default: string; enum: string[] }>;
    assert.deepEqual(Object.keys(rules), RULES.map((rule) => rule.id));
    for (const rule of RULES) {
      assert.equal(rules[rule.id].description, rule.meta.description);
      assert.equal(rules[rule.id].default, rule.meta.defaultSeverity);
      assert.deepEqual(rules[rule.id].enum, ['off', 'info', 'warning', 'error']);
    }
  });

  const configs: unknown[] = [
    { rules: { 'leaked-client': 'error', 'pool-config': 'off' }, ruleOptions: { 'pool-config': { connectionBudget: 40 } } },
    {},
    { rules: { 'leaked-clients': 'error' } },
    { rules: { 'leaked-client': 'loud' } },
    { rules: { 'leaked-client': 2 } },
    { ruleOptions: { 'pool-config': { connectionBudget: 0 } } },
    { ruleOptions: { 'pool-config': { connectionBudget: 2.5 } } },
    { ruleOptions: { 'pool-config': { budget: 10 } } },
    { ruleOptions: { 'leaked-client': {} } },
    { extends: 'recommended' },
    ['leaked-client'],
    { rules: [] },
  ];
  for (const config of configs) {
    it(`agrees with the config reader on ${JSON.stringify(config)}`, () => {
      const problems = readProjectConfig(config, 'cfg.json').problems;
      assert.equal(validate(config), problems.length === 0, `reader: ${problems.join(' ') || 'no problems'}; schema: ${JSON.stringify(validate.errors)}`);
    });
  }

  it('is contributed for pool-lens.config.json and for package.json\'s "poolLens" key', () => {
    const contributed = readJson('package.json').contributes.jsonValidation as Array<{ fileMatch: string; url: string }>;
    assert.ok(contributed.some((entry) => entry.fileMatch === 'pool-lens.config.json' && entry.url === './docs/pool-lens.config.schema.json'));
    const manifestEntry = contributed.find((entry) => entry.fileMatch === 'package.json');
    assert.ok(manifestEntry);
    const manifestSchema = readJson(manifestEntry.url);
    assert.deepEqual(manifestSchema.properties.poolLens, { $ref: './pool-lens.config.schema.json' });
  });
});
