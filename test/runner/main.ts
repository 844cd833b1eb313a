import { cleanupAll } from './cleanup';
import { runWithCodeServer } from './codeServer/launcher';
import { buildEditorSuites } from './build';
import { probeElectron, runWithElectron } from './electron';
import { selectedPasses } from './hostConfig';
import { Report } from './report';

/** Everything, including a first code-server install, must finish within this. */
const OVERALL_TIMEOUT_MS = Number(process.env.POOL_LENS_EDITOR_TIMEOUT_MS ?? 30 * 60_000);

const log = (line: string): void => console.log(`[editor-tests] ${line}`);

/**
 * Runs the editor suites in a real editor. Picks desktop VS Code through @vscode/test-electron when
 * it is installed (POOL_LENS_VSCODE) or can be downloaded, and code-server in headless Chromium
 * otherwise; POOL_LENS_EDITOR_LAUNCHER=electron|code-server forces one. Exits non-zero when any test
 * failed or none ran.
 */
async function main(): Promise<number> {
  const started = Date.now();
  const report = new Report();
  await buildEditorSuites();

  const forced = process.env.POOL_LENS_EDITOR_LAUNCHER;
  const electron = forced === 'code-server' ? { usable: false as const, reason: 'POOL_LENS_EDITOR_LAUNCHER=code-server' } : await probeElectron();
  if (electron.usable) {
    log('launcher: @vscode/test-electron (desktop VS Code)');
    await runWithElectron(electron, report, log);
  } else if (forced === 'electron') {
    throw new Error(`POOL_LENS_EDITOR_LAUNCHER=electron, but ${electron.reason}.`);
  } else {
    log(`launcher: code-server in headless Chromium (${electron.reason})`);
    // Two editors: the suites with workspace trust disabled, then the untrusted-workspace suite in restricted mode.
    for (const pass of selectedPasses()) await runWithCodeServer(report, log, pass);
  }

  report.printSummary();
  log(`total ${Math.round((Date.now() - started) / 1000)} s`);
  if (report.passCount + report.failureCount === 0) {
    console.error('No editor test ran.');
    return 1;
  }
  return report.failureCount > 0 ? 1 : 0;
}

async function exit(code: number): Promise<never> {
  await cleanupAll();
  process.exit(code);
}

// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a
// second signal without a handler would kill it halfway through the cleanup.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the editor and removing temporary folders.`);
    void exit(130);
  });
}

setTimeout(() => {
  console.error(`The editor tests did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes; stopping.`);
  void exit(1);
}, OVERALL_TIMEOUT_MS).unref();

main().then(exit, (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void exit(1);
});
