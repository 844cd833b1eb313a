'use strict';
/**
 * Benchmark-only extension for bench/editorSoak.ts. code-server refuses VS Code's
 * `--inspect-extensions=<port>` ("Unknown option") and strips NODE_OPTIONS from the extension host's
 * environment, so the host's inspector is opened from inside it: on the loopback port in
 * POOL_LENS_BENCH_INSPECT_PORT, and nothing else. It holds no state and does no work after that.
 */
const inspector = require('node:inspector');

const PORT_ENV = 'POOL_LENS_BENCH_INSPECT_PORT';

exports.activate = function activate() {
  const port = Number(process.env[PORT_ENV]);
  if (!Number.isInteger(port) || port <= 0) return;
  if (!inspector.url()) inspector.open(port, '127.0.0.1', false);
};

exports.deactivate = function deactivate() {
  inspector.close();
};
