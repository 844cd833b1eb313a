import * as vscode from 'vscode';

/**
 * Sets `poolLens.*` settings in the workspace for a suite. Returns what puts back the values the workspace
 * had before (undefined ones are removed again), for the suite's teardown.
 */
export async function setWorkspaceSettings(settings: Readonly<Record<string, unknown>>): Promise<() => Promise<void>> {
  const configuration = vscode.workspace.getConfiguration('poolLens');
  const previous = new Map<string, unknown>();
  for (const [key, value] of Object.entries(settings)) {
    previous.set(key, configuration.inspect(key)?.workspaceValue);
    await configuration.update(key, value, vscode.ConfigurationTarget.Workspace);
  }
  return async () => {
    const current = vscode.workspace.getConfiguration('poolLens');
    for (const [key, value] of previous) await current.update(key, value, vscode.ConfigurationTarget.Workspace);
  };
}
