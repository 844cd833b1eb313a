import * as path from 'node:path';
import type * as vscode from 'vscode';
import { readHostConfig, runSuites } from '../host/runSuites';

/**
 * Installed only into the throw-away extensions folder of a test run. It runs the suites once the
 * workbench has started; the launcher watches the results file and shuts the editor down.
 */
export function activate(context: vscode.ExtensionContext): void {
  const config = readHostConfig(path.join(context.extensionPath, 'run-config.json'));
  if (!config?.runOnActivate) return;
  void runSuites(config);
}
