// Bundles the extension and the CLI. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `--outdir=<dir>` builds elsewhere than dist/ (the benchmarks build a minified copy without touching dist/).
const outdir = process.argv.find((arg) => arg.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

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
      /(?:lazyCore|analysisWorker)\.ts$/.test(args.importer) ? { path: './core.js', external: true } : undefined,
    );
  },
};

/**
 * node-postgres is read on first use (the first monitor connection), not at activation: loading it
 * pulled in Node's fetch implementation (pg probes `typeof Response` to detect Cloudflare), together
 * about 40 ms. The extension gets a stand-in that requires dist/pg.js when a property is first read;
 * src/pg only touches `pg.Client` when it connects.
 */
const pgOnFirstUse = {
  name: 'pg-on-first-use',
  setup(build) {
    build.onResolve({ filter: /^pg$/ }, () => ({ path: 'pg', namespace: 'pg-on-first-use' }));
    build.onResolve({ filter: /^\.\/pg\.js$/, namespace: 'pg-on-first-use' }, () => ({ path: './pg.js', external: true }));
    build.onLoad({ filter: /.*/, namespace: 'pg-on-first-use' }, () => ({
      // The bundle's interop helper asks for `__esModule` at import time; that must not load pg.
      contents:
        "let pg;\nmodule.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? undefined : (pg ??= require('./pg.js'))[key]) });\n",
      loader: 'js',
    }));
  },
};

const entries = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: `${outdir}/extension.js`,
    plugins: [coreAsSeparateBundle, pgOnFirstUse],
    // `import('./core.js')` becomes a lazy `require`: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  },
  { entryPoints: ['src/extension/coreModules.ts'], outfile: `${outdir}/core.js` },
  // Analyses large documents off the extension host's main thread (see offThreadAnalysis.ts).
  {
    entryPoints: ['src/extension/analysisWorker.ts'],
    outfile: `${outdir}/analysisWorker.js`,
    plugins: [coreAsSeparateBundle],
    supported: { 'dynamic-import': false },
  },
  { entryPoints: ['pg'], outfile: `${outdir}/pg.js` },
  { entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  // The runtime companion (package.json "exports" "./runtime" and "./register"), loaded inside the user's app:
  // it works on the app's own pg, which must never be bundled into it.
  { entryPoints: ['src/runtime/index.ts'], outfile: `${outdir}/runtime.js`, external: ['pg', 'pg-pool', 'pg-native'] },
  { entryPoints: ['src/runtime/register.ts'], outfile: `${outdir}/register.js`, external: ['pg', 'pg-pool', 'pg-native'] },
  // `pool-lens/eslint`: the rules as an ESLint 9 plugin (package.json "exports" "./eslint").
  { entryPoints: ['src/eslint/plugin.ts'], outfile: `${outdir}/eslint.js` },
];

const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, ...entry })));
if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
