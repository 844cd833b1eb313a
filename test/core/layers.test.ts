import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every module a source file imports, relative ones resolved to a folder under src/. */
function importsOf(file: string): Array<{ specifier: string; layer: string | undefined }> {
  // Comments quote imports in examples; only code counts.
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: Array<{ specifier: string; layer: string | undefined }> = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    const target = specifier.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), specifier)) : undefined;
    // The runtime companion's contract imports nothing: its readers may depend on it, not on the rest of src/runtime.
    const layer = target === path.join('runtime', 'protocol') ? 'protocol' : target?.split(path.sep)[0];
    found.push({ specifier, layer });
  }
  return found;
}

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(SRC, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** DESIGN.md: extension → pg-side → core, cli → pg-side → core; never back. */
const RULES: Record<string, { layers: string[]; forbidden: RegExp }> = {
  core: { layers: ['core'], forbidden: /^(?:vscode|pg|pg-pool|(?:node:)?(?:fs|fs\/promises|net|tls|child_process|http|https))$/ },
  workspace: { layers: ['core', 'workspace', 'protocol'], forbidden: /^(?:vscode|pg)$/ },
  pg: { layers: ['core', 'workspace', 'pg', 'protocol'], forbidden: /^vscode$/ },
  cli: { layers: ['core', 'workspace', 'pg', 'cli', 'protocol'], forbidden: /^vscode$/ },
  extension: { layers: ['core', 'workspace', 'pg', 'extension', 'protocol'], forbidden: /^$/ },
  // The ESLint plugin (pool-lens/eslint) runs inside ESLint: the analyzer and project facts, no editor, no
  // database; '..' is the package's own package.json, whose version ESLint's cache needs in the plugin's meta.
  eslint: { layers: ['core', 'workspace', 'eslint', '..'], forbidden: /^(?:vscode|pg)$/ },
  // The runtime companion runs inside the user's app, on the pool the app's own pg made: it never loads pg.
  runtime: { layers: ['runtime', 'protocol'], forbidden: /^(?:vscode|pg|pg-pool)$/ },
};

describe('source layers', () => {
  for (const [layer, rule] of Object.entries(RULES)) {
    it(`src/${layer} imports only ${rule.layers.join(', ')}${layer === 'extension' ? '' : ' and no forbidden module'}`, () => {
      const offences: string[] = [];
      for (const file of filesUnder(layer)) {
        for (const { specifier, layer: target } of importsOf(file)) {
          if (target !== undefined && !rule.layers.includes(target)) offences.push(`${path.relative(SRC, file)} imports ${specifier}`);
          if (target === undefined && rule.forbidden.test(specifier)) offences.push(`${path.relative(SRC, file)} imports ${specifier}`);
        }
      }
      assert.deepEqual(offences, []);
    });
  }

  it('finds the imports it checks', () => {
    assert.ok(importsOf(path.join(SRC, 'core', 'analyze.ts')).some((entry) => entry.layer === 'core'));
  });
});
