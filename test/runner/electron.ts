import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_ENV } from '../editor/host/events';
import { buildExtension } from './build';
import { writeHostConfig } from './hostConfig';
import { FIXTURE_WORKSPACE, PROJECT_ROOT, RUNNER_EXTENSION_DIR } from './paths';
import { followResults, type Report } from './report';
import { copyWorkspace, temporaryDir } from './tempDirs';

/** How long the download probe may take before the launcher settles for code-server. */
const PROBE_TIMEOUT_MS = 3_000;

export type ElectronChoice = { usable: true; executable?: string } | { usable: false; reason: string };

/**
 * Decides whether desktop VS Code can run the suites: an installed one named by POOL_LENS_VSCODE, or
 * one that @vscode/test-electron can download. Answers within a few seconds on an offline machine.
 */
export async function probeElectron(): Promise<ElectronChoice> {
  const executable = process.env.POOL_LENS_VSCODE;
  if (executable) {
    if (!existsSync(executable)) {
      throw new Error(`POOL_LENS_VSCODE names ${executable}, which does not exist; point it at a VS Code executable or unset it.`);
    }
    return { usable: true, executable };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { usable: false, reason: 'desktop VS Code needs a display and neither DISPLAY nor WAYLAND_DISPLAY is set' };
  }
  try {
    const response = await fetch('https://update.code.visualstudio.com/api/releases/stable', {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return response.ok ? { usable: true } : { usable: false, reason: `the VS Code download service answered ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : describeFetchError(error);
    return { usable: false, reason: `VS Code cannot be downloaded here (${cause})` };
  }
}

function describeFetchError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Runs the suites in desktop VS Code through @vscode/test-electron's runTests. */
export async function runWithElectron(choice: { executable?: string }, report: Report, log: (line: string) => void): Promise<void> {
  const { runTests } = await import('@vscode/test-electron');
  await buildExtension();
  const stateDir = await temporaryDir('electron');
  const workspace = await copyWorkspace(FIXTURE_WORKSPACE, stateDir);
  const { configFile, resultsFile } = await writeHostConfig(stateDir, false);
  const following = new AbortController();
  const results = followResults(resultsFile, report, following.signal);
  log(choice.executable ? `VS Code: ${choice.executable}` : 'VS Code: downloading the stable release');
  try {
    await runTests({
      ...(choice.executable ? { vscodeExecutablePath: choice.executable } : {}),
      extensionDevelopmentPath: PROJECT_ROOT,
      extensionTestsPath: path.join(RUNNER_EXTENSION_DIR, 'dist', 'electronEntry.js'),
      extensionTestsEnv: { [CONFIG_ENV]: configFile },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(stateDir, 'user-data')],
    });
  } catch (error) {
    // runTests rejects when a test failed (the report holds those) or when VS Code could not start.
    log(`VS Code ended with: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // The last events may still be on their way into the file.
    setTimeout(() => following.abort(), 2_000);
    await results;
  }
}
