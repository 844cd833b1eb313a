import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_ENV } from '../../editor/host/events';
import { buildExtension, packageVsix } from '../build';
import { writeHostConfig, type WorkspaceTrustPass } from '../hostConfig';
import { FIXTURE_WORKSPACE, OUTPUT_DIR, PROJECT_ROOT, RUNNER_EXTENSION_DIR } from '../paths';
import { followResults, type Report } from '../report';
import { copyWorkspace, temporaryDir } from '../tempDirs';
import { openWorkbench } from './browser';
import { ensureCodeServer } from './install';
import { startCodeServer } from './server';
import { runFaultChecks } from './faultChecks';
import { runHoverChecks } from './hoverChecks';
import { runUserChecks } from './userChecks';

/** Upper bound for the in-editor suites once the workbench is open. */
const SUITES_TIMEOUT_MS = 10 * 60_000;

/**
 * Settings of the throw-away profile: no welcome page, tips, trust prompts, update or telemetry
 * traffic, so the workbench starts the same way on every machine. The demo (`npm start`) uses it too.
 */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
  // The fixture imports packages it does not install; TypeScript's own "cannot find module" errors
  // would crowd the Problems panel and the light bulb that the tests read.
  'typescript.validate.enable': false,
  'javascript.validate.enable': false,
};

/**
 * The untrusted pass: trust on, and the folder opened without the startup prompt, so it stays in
 * restricted mode (nothing was ever trusted in this throw-away profile).
 */
const UNTRUSTED_SETTINGS = {
  ...USER_SETTINGS,
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

/**
 * Runs the suites in code-server: installs it on demand, installs the packaged extension and the
 * runner, opens a copy of the fixture workspace in headless Chromium, follows the results, and then
 * drives the workbench as a person would. The untrusted pass runs only the untrusted-workspace suite,
 * without the browser checks.
 */
export async function runWithCodeServer(report: Report, log: (line: string) => void, pass: WorkspaceTrustPass = 'trusted'): Promise<void> {
  const installStarted = Date.now();
  const install = await ensureCodeServer(log);
  log(`code-server ready after ${seconds(installStarted)} s`);

  const stateDir = await temporaryDir('code-server');
  await buildExtension();
  const extensionVsix = await packageVsix(PROJECT_ROOT, path.join(stateDir, 'pool-lens.vsix'));
  const runnerVsix = await packageVsix(RUNNER_EXTENSION_DIR, path.join(stateDir, 'pool-lens-test-runner.vsix'));
  const workspace = await copyWorkspace(FIXTURE_WORKSPACE, stateDir);
  const { configFile, resultsFile } = await writeHostConfig(stateDir, true, pass);

  const server = await startCodeServer({
    install,
    stateDir,
    extensions: [extensionVsix, runnerVsix],
    userSettings: pass === 'untrusted' ? UNTRUSTED_SETTINGS : USER_SETTINGS,
    workspaceTrust: pass === 'untrusted',
    env: { [CONFIG_ENV]: configFile },
    log,
  });

  const runStarted = Date.now();
  const { page } = await openWorkbench(server.url, workspace);
  const timeout = AbortSignal.timeout(SUITES_TIMEOUT_MS);
  const finished = await followResults(resultsFile, report, timeout);
  if (!finished) {
    report.record({
      type: 'fail',
      titlePath: ['editor suites'],
      error: { message: `The suites did not finish within ${SUITES_TIMEOUT_MS / 60_000} minutes; see ${server.logFile}.` },
    });
  }
  log(`editor suites (${pass} workspace) took ${seconds(runStarted)} s`);
  if (pass === 'untrusted') return;

  await mkdir(OUTPUT_DIR, { recursive: true });
  const checksStarted = Date.now();
  await runUserChecks(page, report);
  await runFaultChecks(page, report, workspace);
  await runHoverChecks(page, report, workspace);
  log(`browser checks took ${seconds(checksStarted)} s; screenshots in ${OUTPUT_DIR}`);
}

function seconds(since: number): number {
  return Math.round((Date.now() - since) / 1000);
}
