import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './support/editor';

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

const SCOPE = 'inline.pool-lens.sql';

function grammarsOf(extension: vscode.Extension<unknown>): GrammarContribution[] {
  return (extension.packageJSON as { contributes?: { grammars?: GrammarContribution[] } }).contributes?.grammars ?? [];
}

/** Every grammar this editor knows, by scope name, with the extension that contributes it. */
function installedGrammars(): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const extension of vscode.extensions.all) for (const grammar of grammarsOf(extension)) scopes.set(grammar.scopeName, extension.id);
  return scopes;
}

/** Scope names a grammar includes from other grammars (`source.sql`, `source.ts#expression`). */
function externalIncludes(grammar: unknown, own: string): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'include' && typeof inner === 'string' && !inner.startsWith('#') && !inner.startsWith('$')) {
          const scope = inner.split('#')[0];
          if (scope !== own) found.add(scope);
        } else visit(inner);
      }
    }
  };
  visit(grammar);
  return found;
}

suite('SQL highlighting', () => {
  test('the extension contributes the SQL injection grammar for TS, TSX, JS and JSX, embedding the sql language', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this editor`);
    const contribution = grammarsOf(extension).find((grammar) => grammar.scopeName === SCOPE);
    assert.ok(contribution, `package.json contributes no grammar ${SCOPE}`);
    assert.deepEqual([...(contribution.injectTo ?? [])].sort(), ['source.js', 'source.js.jsx', 'source.ts', 'source.tsx']);
    assert.equal(contribution.embeddedLanguages?.['meta.embedded.block.sql'], 'sql');
    assert.ok((await vscode.languages.getLanguages()).includes('sql'), 'this editor has no sql language for the embedded blocks');

    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, contribution.path));
    const grammar = JSON.parse(new TextDecoder().decode(bytes)) as { scopeName: string; injectionSelector: string };
    assert.equal(grammar.scopeName, SCOPE);
    for (const scope of contribution.injectTo ?? []) assert.ok(grammar.injectionSelector.includes(`L:${scope} `), `the injection selector leaves out ${scope}`);
  });

  test('every grammar the injection targets or includes is installed in this editor', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contribution = grammarsOf(extension).find((grammar) => grammar.scopeName === SCOPE)!;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, contribution.path));
    const needed = new Set([...(contribution.injectTo ?? []), ...externalIncludes(JSON.parse(new TextDecoder().decode(bytes)), SCOPE)]);
    assert.ok(needed.has('source.sql') && needed.has('source.ts'), `expected the grammar to include source.sql and source.ts, got ${[...needed].join(', ')}`);
    const installed = installedGrammars();
    const missing = [...needed].filter((scope) => !installed.has(scope));
    assert.deepEqual(missing, [], 'grammars the SQL highlighting needs but no installed extension contributes');
  });
});
