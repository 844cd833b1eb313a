import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PoolLensApi } from '../../src/extension/extension';
import type { PoolsNode } from '../../src/extension/poolsTreeModel';
import { readHostConfig } from './host/runSuites';
import { activatePoolLens, workspaceUri } from './support/editor';
import { hoverText } from './support/hover';
import { startPostgres, type EditorPostgres } from './support/postgres';
import { setWorkspaceSettings } from './support/settings';
import { sleep, WAIT_TIMEOUT_MS } from './support/wait';

/**
 * The app layer of the Pools view: a real app process in the workspace, instrumented with the runtime
 * companion as built by `npm run build` (dist/runtime.js), takes a client and never releases it. The
 * view must list that checkout under its pool, flag it as a forgotten release(), and open the line that
 * took it when clicked.
 */

const ROLE = { user: 'market_app', password: 'market-companion-pw-3' } as const;
const APP_FILE = 'companion-app/orders.js';
const APP_CODE = `const { Pool } = require(process.env.PG_MODULE);
const { instrument } = require(process.env.POOL_LENS_RUNTIME);

const pool = new Pool({
  host: process.env.MARKET_DB_HOST,
  port: Number(process.env.MARKET_DB_PORT),
  database: process.env.MARKET_DB_NAME,
  user: process.env.MARKET_DB_USER,
  password: process.env.MARKET_DB_PASSWORD,
  application_name: 'market-api',
  max: 3,
});
pool.on('error', () => {});
instrument(pool, { name: 'market' });

async function placeOrder() {
  const client = await pool.connect(); // taken here, never released
  await client.query('SELECT 1');
}

placeOrder().then(() => process.stdout.write('ready\\n'));
`;
const ACQUISITION_LINE = APP_CODE.split('\n').findIndex((line) => line.includes('// taken here')) + 1;
const SETTINGS: Record<string, unknown> = {
  refreshIntervalMs: 500,
  checkoutWarnMs: 1000,
  pools: [{ name: 'market', envPrefix: 'MARKET_DB_' }],
};

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

suite('Pools view: the app layer from a runtime companion', () => {
  let server: EditorPostgres;
  let api: PoolLensApi;
  let app: ChildProcess | undefined;
  let restoreSettings: (() => Promise<void>) | undefined;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await activatePoolLens();
    const config = readHostConfig();
    assert.ok(config, 'run the editor suites with npm run test:editor');
    const runtime = path.join(config.projectRoot, 'dist', 'runtime.js');
    assert.ok(existsSync(runtime), `${runtime} is missing: run npm run build first`);

    server = await startPostgres(30);
    await server.sql(`CREATE ROLE ${ROLE.user} LOGIN PASSWORD '${ROLE.password}'`);
    await server.sql(`CREATE DATABASE market OWNER ${ROLE.user}`);
    const env = { MARKET_DB_HOST: server.host, MARKET_DB_PORT: String(server.port), MARKET_DB_NAME: 'market', MARKET_DB_USER: ROLE.user, MARKET_DB_PASSWORD: ROLE.password, MARKET_DB_SSLMODE: 'disable' };
    await fs.writeFile(workspaceUri('.env').fsPath, `${Object.entries(env).map(([key, value]) => `${key}=${value}`).join('\n')}\n`);
    await fs.mkdir(workspaceUri('companion-app').fsPath, { recursive: true });
    await fs.writeFile(workspaceUri(APP_FILE).fsPath, APP_CODE);

    // The app, as a developer runs it: its own node process in the workspace folder.
    const pgModule = createRequire(path.join(config.projectRoot, 'package.json')).resolve('pg');
    app = spawn(process.execPath, [APP_FILE], {
      cwd: workspaceUri('.').fsPath,
      env: { PATH: process.env.PATH, ELECTRON_RUN_AS_NODE: '1', ...env, PG_MODULE: pgModule, POOL_LENS_RUNTIME: runtime },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    while (!output.includes('ready')) {
      if (app.exitCode !== null || Date.now() > deadline) throw new Error(`the app did not take its client: ${output}`);
      await sleep(100);
    }

    restoreSettings = await setWorkspaceSettings(SETTINGS);
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await restoreSettings?.();
    if (app && app.exitCode === null) {
      const exited = new Promise((resolve) => app!.once('exit', resolve));
      app.kill();
      await exited;
    }
    await server?.stop();
    for (const file of ['.env', 'companion-app', '.pool-lens']) await fs.rm(workspaceUri(file).fsPath, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  async function children(node?: PoolsNode): Promise<PoolsNode[]> {
    return (await api.poolsTree.getChildren(node)) ?? [];
  }

  async function describeTree(): Promise<string> {
    const lines: string[] = [];
    const walk = async (nodes: PoolsNode[], depth: number) => {
      for (const node of nodes) {
        const item = api.poolsTree.getTreeItem(node);
        lines.push(`${'  '.repeat(depth)}${String(item.label)} — ${String(item.description ?? '')}`);
        if (node.kind === 'server' || node.kind === 'pool' || node.kind === 'app') await walk(await children(node), depth + 1);
      }
    };
    await walk(await children(), 0);
    return lines.join('\n') || '(empty tree)';
  }

  async function marketApp(): Promise<Of<'app'> | undefined> {
    const servers = (await children()).filter((n): n is Of<'server'> => n.kind === 'server');
    const market = servers.length ? (await children(servers[0])).find((n): n is Of<'pool'> => n.kind === 'pool' && n.domain === 'market') : undefined;
    return market ? (await children(market)).find((n): n is Of<'app'> => n.kind === 'app') : undefined;
  }

  /** The checkout node under market's app node, once its description satisfies `ready`. */
  async function checkoutNode(ready: (description: string) => boolean): Promise<Of<'checkout'>> {
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const appNode = await marketApp();
      const found = appNode ? (await children(appNode)).find((n): n is Of<'checkout'> => n.kind === 'checkout') : undefined;
      if (found && ready(String(api.poolsTree.getTreeItem(found).description ?? ''))) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the checkout node; the tree shows:\n${await describeTree()}`);
      await sleep(200);
    }
  }

  test('lists the checkout under its pool with its age and acquisition line, flagged as a forgotten release()', async function () {
    this.timeout(60_000);
    const node = await checkoutNode((description) => description.includes('release() missing?'));
    const item = api.poolsTree.getTreeItem(node);
    assert.equal(item.label, `${APP_FILE}:${ACQUISITION_LINE}`);
    assert.match(String(item.description), /^held \d+ s · pid \d+ · release\(\) missing\?$/);
    assert.match(hoverText(api, node), /a forgotten release\(\)/);
    const appItem = api.poolsTree.getTreeItem((await marketApp())!);
    assert.equal(appItem.label, `app · process ${app!.pid}`);
    assert.match(String(appItem.description), /^1 checked out · 0 idle · 0 waiting · peak 1$/);
  });

  test('clicking the checkout opens its file with the cursor on the line that took the client', async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const item = api.poolsTree.getTreeItem(await checkoutNode(() => true));
    assert.ok(item.command, 'the checkout node has a command');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.equal(await fs.realpath(editor.document.uri.fsPath), await fs.realpath(workspaceUri(APP_FILE).fsPath));
    assert.equal(editor.selection.active.line, ACQUISITION_LINE - 1);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /await pool\.connect\(\)/);
  });

  test('Inspect Pools shows the app figures with the checkout and its line', async function () {
    this.timeout(60_000);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('poolLens.inspectPools');
    assert.ok(uri, 'the command should resolve to the report');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.ok(document, 'the report should be open');
    const text = document.getText();
    assert.match(text, /### In the running app/);
    assert.match(text, new RegExp(`\\*\\*market\\*\\* in process ${app!.pid}: 1 checked out · 0 idle · 0 waiting · 1 open of max 3`));
    assert.match(text, new RegExp(`⚠ held for \\d+ s, taken at \\[companion-app/orders\\.js:${ACQUISITION_LINE}\\]\\(file://[^)]*orders\\.js#L${ACQUISITION_LINE}\\)`));
  });
});
