import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { PoolLensApi } from '../../src/extension/extension';
import { activatePoolLens, openFile, waitForRule, workspaceUri } from './support/editor';
import { armReadProbe, type ReadProbe } from './support/fileReads';
import { sleep, SETTLE_MS } from './support/wait';

/**
 * Restricted mode: the workspace is opened with workspace trust on and never granted (the launcher's
 * untrusted pass, `POOL_LENS_EDITOR_WORKSPACE=untrusted`). Pools are configured where a workspace
 * cannot restrict them (user settings) and point, through `.env` and through the extension host's
 * environment, at a loopback listener that counts connections. Pool Lens must lint, and must neither
 * read the `.env` nor connect, whatever the user clicks. "Not read" is observed on the file itself: its
 * access time (see support/fileReads.ts), which any read by any process would move.
 */

const UNTRUSTED_SUITE = 'Untrusted workspace';
const PASSWORD = 'Untrusted-Pw-3kV8-never-read';

suite(UNTRUSTED_SUITE, () => {
  let api: PoolLensApi;
  let listener: net.Server;
  let connections = 0;
  /** Whether anything reads the workspace's `.env` (its access time), from the moment it is written. */
  let envProbe: ReadProbe;
  const environment = new Map<string, string | undefined>();

  suiteSetup(async function () {
    this.timeout(60_000);
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      'this suite needs an untrusted workspace: run it with POOL_LENS_EDITOR_WORKSPACE=untrusted (npm run test:editor does a separate untrusted pass)',
    );
    api = await activatePoolLens();

    listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    // Only the .env knows where the first pool is: reading it would be enough to connect.
    await fs.writeFile(
      workspaceUri('.env').fsPath,
      ['FROMFILE_DB_HOST=127.0.0.1', `FROMFILE_DB_PORT=${port}`, 'FROMFILE_DB_NAME=app', 'FROMFILE_DB_USER=app', `FROMFILE_DB_PASSWORD=${PASSWORD}`, 'FROMFILE_DB_SSLMODE=disable'].join('\n'),
    );
    envProbe = armReadProbe(workspaceUri('.env').fsPath);
    // The second one is complete without any file.
    for (const [name, value] of Object.entries({ FROMENV_DB_HOST: '127.0.0.1', FROMENV_DB_PORT: String(port), FROMENV_DB_NAME: 'app', FROMENV_DB_USER: 'app', FROMENV_DB_PASSWORD: PASSWORD, FROMENV_DB_SSLMODE: 'disable' })) {
      environment.set(name, process.env[name]);
      process.env[name] = value;
    }
    const pools = [
      { name: 'fromFile', envPrefix: 'FROMFILE_DB_' },
      { name: 'fromEnv', envPrefix: 'FROMENV_DB_' },
    ];
    await vscode.workspace.getConfiguration('poolLens').update('pools', pools, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async function () {
    this.timeout(30_000);
    await vscode.workspace.getConfiguration('poolLens').update('pools', undefined, vscode.ConfigurationTarget.Global);
    for (const [name, value] of environment) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await new Promise((resolve) => listener?.close(resolve));
    await fs.rm(workspaceUri('.env').fsPath, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('still lints open files', async () => {
    const editor = await openFile('src/leakedClient.ts');
    assert.ok((await waitForRule(editor.document.uri, 'leaked-client')).length > 0);
  });

  test('the Pools view, Refresh, Inspect Pools and the sizing calculator neither read .env nor connect', async function () {
    this.timeout(60_000);
    assert.deepEqual(
      vscode.workspace.getConfiguration('poolLens').inspect('pools')?.globalValue,
      [
        { name: 'fromFile', envPrefix: 'FROMFILE_DB_' },
        { name: 'fromEnv', envPrefix: 'FROMENV_DB_' },
      ],
      'the pools are configured in user settings, which restricted mode does not hide',
    );
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
    await vscode.commands.executeCommand('poolLens.refreshPools');
    assert.equal(await vscode.commands.executeCommand('poolLens.inspectPools'), undefined, 'Inspect Pools produces no report');
    await vscode.commands.executeCommand('poolLens.openSizingCalculator');
    await api.livePools.refresh();
    await sleep(SETTLE_MS);

    assert.ok(!envProbe.wasRead(), `.env was read while the workspace was untrusted (${envProbe.describe()})`);
    assert.equal(connections, 0, 'no connection reached the listener');
    assert.deepEqual(api.livePools.state.domains, [], 'no pool was resolved, so nothing from .env was taken in');
    assert.equal(api.livePools.state.status, 'untrusted');
    assert.deepEqual(api.livePools.state.problems, []);
    assert.deepEqual((await api.poolsTree.getChildren()) ?? [], [], 'an empty tree, so the view shows its "trust this workspace" welcome');
    assert.ok(!JSON.stringify(api.livePools.state).includes(PASSWORD));
    // The probe can see a read of this very file here: "not read" above is an observation, not a noatime mount.
    await fs.readFile(envProbe.file);
    assert.ok(envProbe.wasRead(), `reading .env must move its access time (${envProbe.describe()})`);
  });
});
