'use strict';
/**
 * Activation probe, for the benchmark only (a harness, not a test): requires a built
 * dist/extension.js with the stand-in `vscode` module and calls activate(), in a fresh Node process.
 * `node probe.cjs <dist folder> [<file to show as the one open TypeScript document>]` prints JSON.
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const [distDir, openFile] = process.argv.slice(2);
const fakePath = path.join(__dirname, 'fakeVscode.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? fakePath : resolve.call(this, request, ...rest);
};
const vscode = require(fakePath);
const bench = vscode.__bench;

if (openFile) {
  const text = fs.readFileSync(openFile, 'utf8');
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const positionAt = (offset) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return new vscode.Position(line, offset - starts[line]);
  };
  bench.textDocuments.push({
    uri: vscode.Uri.file(openFile),
    fileName: openFile,
    languageId: 'typescript',
    version: 1,
    isClosed: false,
    eol: 1,
    lineCount: starts.length,
    getText: () => text,
    positionAt,
    offsetAt: (position) => starts[position.line] + position.character,
    lineAt: (line) => ({ text: text.slice(starts[line], (starts[line + 1] ?? text.length + 1) - 1), range: new vscode.Range(new vscode.Position(line, 0), new vscode.Position(line, 0)) }),
  });
}

const event = () => () => ({ dispose() {} });
const context = {
  subscriptions: [],
  extensionUri: vscode.Uri.file(path.resolve(distDir, '..')),
  extensionPath: path.resolve(distDir, '..'),
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event() },
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
};

const entry = path.resolve(distDir, 'extension.js');
const coreBundle = path.resolve(distDir, 'core.js');
const start = performance.now();
const extension = require(entry);
const required = performance.now();
const api = extension.activate(context);
const activated = performance.now();
const parserLoadedAtActivation = fs.existsSync(coreBundle) ? Boolean(require.cache[coreBundle]) : true;

/** Whether TypeScript's parser has been loaded: the separate core bundle, or (one bundle) typescript's code. */
const parserLoaded = () => Boolean(require.cache[coreBundle]) || (!fs.existsSync(coreBundle) && Boolean(require.cache[entry]));

const report = (extra) => {
  process.stdout.write(
    JSON.stringify({
      requireMs: required - start,
      activateMs: activated - required,
      totalMs: activated - start,
      coreLoadedAtActivation: parserLoadedAtActivation,
      ...extra,
    }),
  );
  process.exit(0);
};

/**
 * Analyses the open document again, as an edit would, and reports how long that took and the longest
 * stretch the main thread was blocked meanwhile (what typing would feel).
 */
async function reanalyse() {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // The histogram only sees a block once its timer has ticked: a block before that would go unrecorded.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const begin = performance.now();
  await api.analyzeNow(bench.textDocuments[0].uri);
  const reanalysisMs = performance.now() - begin;
  // One more tick so a block at the very end is recorded.
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  return { reanalysisMs, longestBlockMs: histogram.max / 1e6 };
}

if (!openFile) {
  // Anything activation schedules (workspace scans and the like) gets a moment to run.
  setTimeout(() => report({ coreLoadedAfter200Ms: fs.existsSync(coreBundle) ? parserLoaded() : true }), 200);
} else {
  const deadline = Date.now() + 30000;
  const wait = () => {
    const first = bench.diagnosticsSet[0];
    if (first) return reanalyse().then((again) => report({ firstDiagnosticsMs: first.at - start, diagnostics: first.count, ...again }));
    if (Date.now() > deadline) return report({ firstDiagnosticsMs: null, diagnostics: 0 });
    setTimeout(wait, 1);
  };
  wait();
}
