import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/core/rules';
import { COMMAND_CATEGORY, CommandId, CONFIG_SECTION, INTERNAL_COMMANDS, LINTED_LANGUAGES } from '../../src/extension/constants';

const ROOT = path.resolve(__dirname, '..', '..');

interface RuleSetting {
  type?: string;
  enum?: string[];
  enumDescriptions?: string[];
  default?: string;
  markdownDescription?: string;
}

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands?: Array<{ command: string; title: string; category?: string }>;
    menus?: { commandPalette?: Array<{ command: string; when?: string }> };
    configuration: {
      properties: Record<string, { markdownDescription?: string; default?: unknown; properties?: Record<string, RuleSetting>; additionalProperties?: boolean }>;
    };
  };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('package.json matches the rule registry and the extension constants', () => {
  const settings = manifest.contributes.configuration.properties;
  const rulesSetting = settings[`${CONFIG_SECTION}.rules`];

  it('declares one poolLens.rules property per registered rule, in registry order', () => {
    assert.ok(rulesSetting?.properties, 'poolLens.rules needs a properties object');
    assert.deepEqual(Object.keys(rulesSetting.properties), RULES.map((rule) => rule.id));
    assert.equal(rulesSetting.additionalProperties, false, 'unknown rule ids should be flagged in settings.json');
  });

  for (const rule of RULES) {
    it(`describes ${rule.id} with its severities, default and registry description`, () => {
      const setting = rulesSetting.properties![rule.id];
      assert.equal(setting.type, 'string');
      assert.deepEqual(setting.enum, ['off', 'info', 'warning', 'error']);
      assert.equal(setting.enumDescriptions?.length, 4);
      assert.equal(setting.default, rule.meta.defaultSeverity);
      assert.ok(
        setting.markdownDescription?.startsWith(rule.meta.description),
        `markdownDescription of ${rule.id} should start with the rule's description: ${JSON.stringify(rule.meta.description)}`,
      );
      assert.equal((rulesSetting.default as Record<string, string>)[rule.id], rule.meta.defaultSeverity);
    });
  }

  it('gives every setting a markdownDescription and the poolLens prefix', () => {
    for (const [name, setting] of Object.entries(settings)) {
      assert.ok(name.startsWith(`${CONFIG_SECTION}.`), `${name} should start with ${CONFIG_SECTION}.`);
      assert.ok(setting.markdownDescription, `${name} needs a markdownDescription`);
    }
  });

  it('contributes exactly the commands the extension registers, each in the Pool Lens category', () => {
    const commands = manifest.contributes.commands ?? [];
    assert.deepEqual(commands.map((command) => command.command).sort(), Object.values(CommandId).sort());
    for (const command of commands) {
      assert.equal(command.category, COMMAND_CATEGORY, `${command.command} category`);
      assert.match(command.title, /^[A-Z]/, `${command.command} title should be Title Case`);
    }
  });

  it('hides internal commands from the Command Palette', () => {
    const hidden = (manifest.contributes.menus?.commandPalette ?? []).filter((entry) => entry.when === 'false').map((entry) => entry.command);
    for (const command of INTERNAL_COMMANDS) assert.ok(hidden.includes(command), `${command} should have "when": "false" in menus.commandPalette`);
  });

  it('activates on every language the diagnostics provider analyses', () => {
    for (const language of Object.keys(LINTED_LANGUAGES)) {
      assert.ok(manifest.activationEvents?.includes(`onLanguage:${language}`), `activationEvents lacks onLanguage:${language}`);
    }
  });

  it('has one docs/rules/<id>.md page per registered rule and no page for anything else', () => {
    const docsDir = path.join(ROOT, 'docs', 'rules');
    for (const rule of RULES) assert.ok(existsSync(path.join(docsDir, `${rule.id}.md`)), `docs/rules/${rule.id}.md is missing`);
    const pages = existsSync(docsDir) ? readdirSync(docsDir).filter((name) => name.endsWith('.md')) : [];
    assert.deepEqual(pages.map((name) => name.slice(0, -'.md'.length)).sort(), RULES.map((rule) => rule.id).sort());
  });
});
