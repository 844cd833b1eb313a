// Bundles the extension and the CLI. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // pg's optional native binding is never used; leave it out of the bundle.
  external: ['vscode', 'pg-native'],
};

/**
 * The analyzer (TypeScript's parser: megabytes) lives in its own bundle, dist/core.js, which
 * lazyCore.ts requires on first use; bundled into dist/extension.js it was read and compiled at every
 * activation even though it is evaluated lazily.
 */
const coreAsSeparateBundle = {
  name: 'core-as-separate-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/coreModules$/ }, (args) =>
      args.importer.endsWith('lazyCore.ts') ? { path: './core.js', external: true } : undefined,
    );
  },
};

const entries = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: [coreAsSeparateBundle],
    // `import('./core.js')` becomes a lazy `require`: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  },
  { entryPoints: ['src/extension/coreModules.ts'], outfile: 'dist/core.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, ...entry })));
if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
