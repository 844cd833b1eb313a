/**
 * Snapshot tests of the SQL injection grammar (syntaxes/), run with vscode-tmgrammar-snap against the
 * TypeScript, JavaScript and SQL grammars that VS Code ships. node_modules has none of them, so they
 * are read from the VS Code the editor tests use: POOL_LENS_VSCODE_EXTENSIONS (an extensions folder),
 * else code-server under .cache (or POOL_LENS_CACHE), else a VS Code that @vscode/test-electron
 * downloaded into .vscode-test or that POOL_LENS_VSCODE names. `npm test` runs this after the editor
 * tests, which install code-server when no VS Code is at hand.
 *
 *   node --import tsx test/grammar/run.ts            compare with the .snap files; exit 1 on a difference
 *   node --import tsx test/grammar/run.ts --update   rewrite the .snap files
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CASES = 'test/fixtures/grammar/*.{ts,tsx,js,jsx}';

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

/** The grammars VS Code itself contributes for the four languages and SQL, relative to its extensions folder. */
const HOST_GRAMMARS: Array<{ id: string; extensions: string[]; scopeName: string; path: string }> = [
  { id: 'typescript', extensions: ['.ts'], scopeName: 'source.ts', path: 'typescript-basics/syntaxes/TypeScript.tmLanguage.json' },
  { id: 'typescriptreact', extensions: ['.tsx'], scopeName: 'source.tsx', path: 'typescript-basics/syntaxes/TypeScriptReact.tmLanguage.json' },
  { id: 'javascript', extensions: ['.js'], scopeName: 'source.js', path: 'javascript/syntaxes/JavaScript.tmLanguage.json' },
  { id: 'javascriptreact', extensions: ['.jsx'], scopeName: 'source.js.jsx', path: 'javascript/syntaxes/JavaScriptReact.tmLanguage.json' },
  { id: 'sql', extensions: ['.sql'], scopeName: 'source.sql', path: 'sql/syntaxes/sql.tmLanguage.json' },
];

function main(): number {
  const candidates = extensionFolders();
  const extensions = candidates.find((folder) => HOST_GRAMMARS.every((grammar) => existsSync(join(folder, grammar.path))));
  if (extensions === undefined) {
    console.error(
      `Grammar tests need VS Code's TypeScript, JavaScript and SQL grammars, and none of ${candidates.join(', ')} has them: ` +
        'run the editor tests once (they install code-server into .cache) or set POOL_LENS_VSCODE_EXTENSIONS to a VS Code extensions folder.',
    );
    return 1;
  }
  console.log(`Grammar tests with VS Code's grammars from ${extensions}`);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes?: { grammars?: GrammarContribution[] } };
  const ours = manifest.contributes?.grammars ?? [];
  if (ours.length === 0) {
    console.error('package.json contributes no grammar: nothing to test.');
    return 1;
  }

  // vscode-tmgrammar-snap reads a package.json-shaped file and resolves grammar paths against its folder.
  const folder = mkdtempSync(join(tmpdir(), 'pool-lens-grammar-'));
  try {
    const config = join(folder, 'package.json');
    const fromConfig = (path: string) => relative(folder, path);
    writeFileSync(
      config,
      JSON.stringify({
        contributes: {
          languages: HOST_GRAMMARS.map(({ id, extensions: exts }) => ({ id, extensions: exts })),
          grammars: [
            ...HOST_GRAMMARS.map(({ id, scopeName, path }) => ({ language: id, scopeName, path: fromConfig(join(extensions, path)) })),
            ...ours.map((grammar) => ({ ...grammar, path: fromConfig(join(ROOT, grammar.path)) })),
          ],
        },
      }),
    );
    const snap = require.resolve('vscode-tmgrammar-test/dist/snapshot.js');
    const args = [snap, '--config', config, ...(process.argv.includes('--update') ? ['--updateSnapshot'] : []), CASES];
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    if (run.error) throw run.error;
    return run.status === 0 ? 0 : 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Where an installed VS Code keeps its built-in extensions, most explicit first. */
function extensionFolders(): string[] {
  const folders: string[] = [];
  if (process.env.POOL_LENS_VSCODE_EXTENSIONS) folders.push(resolve(process.env.POOL_LENS_VSCODE_EXTENSIONS));
  const cache = resolve(process.env.POOL_LENS_CACHE ?? join(ROOT, '.cache'));
  folders.push(join(cache, 'code-server/node_modules/code-server/lib/vscode/extensions'));
  const downloads = join(ROOT, '.vscode-test');
  if (existsSync(downloads)) for (const entry of readdirSync(downloads)) folders.push(join(downloads, entry, 'resources/app/extensions'));
  if (process.env.POOL_LENS_VSCODE) folders.push(join(dirname(resolve(process.env.POOL_LENS_VSCODE)), 'resources/app/extensions'));
  return folders;
}

process.exitCode = main();
