import { readHostConfig, runSuites } from './runSuites';

/**
 * `extensionTestsPath` entry for @vscode/test-electron: VS Code calls run() once the extension under
 * development is loaded and closes the window when it settles.
 */
export async function run(): Promise<void> {
  const config = readHostConfig();
  if (!config) throw new Error('The editor suites were started without their configuration; run them through `npm run test:editor`.');
  const failures = await runSuites(config);
  if (failures > 0) throw new Error(`${failures} editor test(s) failed.`);
}
