import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PoolLensApi } from '../../src/extension/extension';
import type { PoolsNode } from '../../src/extension/poolsTreeModel';
import { assertNoncePolicy } from '../extension/contentSecurityPolicy';
import { activatePoolLens, workspaceUri } from './support/editor';
import { hoverText } from './support/hover';
import { armReadProbe } from './support/fileReads';
import { startPostgres, type EditorPostgres } from './support/postgres';
import { sleep } from './support/wait';

/**
 * Database faults as a user meets them in the Pools view: a port nothing listens on, a wrong password
 * in `.env`, and a server that accepts TCP and never answers. Each must show as one error node with
 * one sentence, the same sentence in the Pool Lens log, and heal without a reload once fixed. Then a
 * known password (given through the environment and through `.env`) is looked for everywhere the
 * extension writes or shows text.
 */

const USER = 'fault_app';
/** Distinctive, so a hit cannot be a coincidence. */
const PASSWORD = 'Fault-Pw-7qZ4-kept-secret';
const WRONG_PASSWORD = 'Wrong-Pw-9xR2-also-secret';
/** Backoff grows to 8 s after three failures, and a busy machine is slow: recovery gets longer than other waits. */
const FAULT_TIMEOUT_MS = 45_000;

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

suite('Faults in the Pools view', () => {
  let api: PoolLensApi;
  let server: EditorPostgres;
  /** Nothing listens here until the recovery test forwards it to PostgreSQL. */
  let refusedPort: number;
  let forwarder: net.Server | undefined;
  /** Accepts connections and never sends a byte. */
  let silent: net.Server;
  const silentSockets = new Set<net.Socket>();
  const environment = new Map<string, string | undefined>();
  let previousPools: unknown;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await activatePoolLens();

    server = await startPostgres(20);
    await server.sql(`CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}'`);
    await server.sql(`CREATE DATABASE faults OWNER ${USER}`);
    refusedPort = await unusedPort();
    silent = net.createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
      socket.on('error', () => undefined);
      // Read and drop what the client sends, never answer: a socket nobody reads never sees the client close it.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;

    const domain = (prefix: string, port: number, password?: string, sslmode = 'disable') => [
      `${prefix}HOST=127.0.0.1`,
      `${prefix}PORT=${port}`,
      `${prefix}NAME=faults`,
      `${prefix}USER=${USER}`,
      ...(password ? [`${prefix}PASSWORD=${password}`] : []),
      `${prefix}SSLMODE=${sslmode}`,
    ];
    await writeEnv([
      ...domain('REFUSED_DB_', refusedPort, PASSWORD),
      ...domain('WRONGPW_DB_', server.port, WRONG_PASSWORD),
      ...domain('SILENT_DB_', silentPort, PASSWORD),
      // GOOD_DB_'s password comes from the extension host's environment, not the file.
      // `prefer` (encrypt when offered, never verify): this server offers no TLS, so it connects in plain text.
      ...domain('GOOD_DB_', server.port, undefined, 'prefer'),
    ]);
    setEnvironment('GOOD_DB_PASSWORD', PASSWORD);
    previousPools = vscode.workspace.getConfiguration('poolLens').inspect('pools')?.workspaceValue;
    await vscode.workspace.getConfiguration('poolLens').update('refreshIntervalMs', 500, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    const configuration = vscode.workspace.getConfiguration('poolLens');
    await configuration.update('pools', previousPools, vscode.ConfigurationTarget.Workspace);
    await configuration.update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Workspace);
    for (const [name, value] of environment) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const socket of silentSockets) socket.destroy();
    await Promise.all([silent, forwarder].map((listener) => new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)))));
    await server?.stop();
    await fs.rm(workspaceUri('.env').fsPath, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  function setEnvironment(name: string, value: string): void {
    if (!environment.has(name)) environment.set(name, process.env[name]);
    process.env[name] = value;
  }

  async function writeEnv(lines: string[]): Promise<void> {
    await fs.writeFile(workspaceUri('.env').fsPath, `${lines.join('\n')}\n`);
  }

  async function monitor(prefix: string): Promise<void> {
    await vscode.workspace.getConfiguration('poolLens').update('pools', [{ name: 'faults', envPrefix: prefix }], vscode.ConfigurationTarget.Workspace);
  }

  async function children(node?: PoolsNode): Promise<PoolsNode[]> {
    return (await api.poolsTree.getChildren(node)) ?? [];
  }

  /** Every node of the tree, sessions included, as the text a user can read: label, description, tooltip. */
  async function treeText(): Promise<string[]> {
    const lines: string[] = [];
    const walk = async (nodes: PoolsNode[], depth: number): Promise<void> => {
      for (const node of nodes) {
        const item = api.poolsTree.getTreeItem(node);
        const label = typeof item.label === 'object' ? item.label.label : (item.label ?? '');
        const tooltip = hoverText(api, node);
        lines.push(`${'  '.repeat(depth)}${label} — ${String(item.description ?? '')} — ${tooltip.replace(/\n+/g, ' ⏎ ')}`);
        await walk(await children(node), depth + 1);
      }
    };
    await walk(await children(), 0);
    return lines;
  }

  /** The Pool Lens output channel as VS Code wrote it to disk (the file behind Output › Pool Lens). */
  async function logText(): Promise<string> {
    const folder = path.dirname(api.foldersForTesting.logUri.fsPath);
    const files = (await fs.readdir(folder, { recursive: true })).filter((name) => path.basename(name).startsWith('Pool Lens'));
    const texts = await Promise.all(files.map((name) => fs.readFile(path.join(folder, name), 'utf8')));
    return texts.join('\n');
  }

  async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = FAULT_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the tree shows:\n${(await treeText()).join('\n') || '(empty tree)'}`);
      await sleep(250);
    }
  }

  /** Waits for the tree to show exactly one server, failing with the error `kind` the snapshot gives; returns its sentence. */
  async function oneErrorNode(port: number, kind: string): Promise<string> {
    const key = `127.0.0.1:${port}`;
    const serverNode = await waitUntil(`${key} to fail with ${kind}`, async () => {
      const roots = await children();
      const found = roots.find((node): node is Of<'server'> => node.kind === 'server' && node.key === key);
      const snapshot = api.livePools.state.snapshot?.servers.find((s) => s.key === key);
      return found && snapshot?.status === 'error' && snapshot.errorKind === kind ? found : undefined;
    });
    const roots = await children();
    assert.deepEqual(roots.map((node) => node.kind), ['server'], 'the root holds the one server, no settings problem');
    const messages = await children(serverNode);
    assert.equal(messages.length, 1, 'one error node under the server');
    const [message] = messages;
    assert.ok(message.kind === 'message' && message.tone === 'error', `an error message node, got ${message.kind}`);
    const sentence = message.text;
    assert.equal(api.poolsTree.getTreeItem(message).label, sentence);
    assert.match(sentence, /^[^\n]+[.?]$/, 'one line ending a sentence');
    assert.doesNotMatch(sentence, /[.?!]\s+[A-Z]/, `one sentence: ${sentence}`);
    assert.ok(sentence.includes(key), `the sentence names the server: ${sentence}`);
    const description = String(api.poolsTree.getTreeItem(serverNode).description);
    assert.match(description, kind === 'wrong-password' ? /^wrong password/ : /^unreachable/);
    await waitUntil('the same sentence in the Pool Lens log', async () => ((await logText()).includes(sentence) ? true : undefined));
    return sentence;
  }

  async function recovered(port: number): Promise<void> {
    const key = `127.0.0.1:${port}`;
    await waitUntil(`${key} to recover`, async () => {
      const snapshot = api.livePools.state.snapshot?.servers.find((s) => s.key === key);
      if (snapshot?.status !== 'ok') return undefined;
      const pools = (await children((await children()).find((node) => node.kind === 'server'))).filter((node) => node.kind === 'pool');
      return pools.some((node) => node.kind === 'pool' && node.domain === 'faults') ? true : undefined;
    });
    await waitUntil(`"Connected to ${key} again." in the log`, async () => ((await logText()).includes(`Connected to ${key} again.`) ? true : undefined));
  }

  test('a port nothing listens on: one sentence in the tree and the log; heals by itself once PostgreSQL is there', async function () {
    this.timeout(120_000);
    await monitor('REFUSED_DB_');
    const sentence = await oneErrorNode(refusedPort, 'refused');
    assert.match(sentence, /connection was refused/);
    // PostgreSQL appears on that port (a loopback forwarder to the real server): no reload, no click.
    forwarder = net.createServer((incoming) => {
      const outgoing = net.connect(server.port, '127.0.0.1');
      incoming.on('error', () => outgoing.destroy());
      outgoing.on('error', () => incoming.destroy());
      incoming.pipe(outgoing).pipe(incoming);
    });
    await new Promise<void>((resolve) => forwarder!.listen(refusedPort, '127.0.0.1', resolve));
    await recovered(refusedPort);
  });

  test('a wrong password in .env: one sentence naming the user; fixing .env reconnects', async function () {
    this.timeout(120_000);
    // The access-time probe the untrusted suite relies on sees the extension host read .env here.
    const envProbe = armReadProbe(workspaceUri('.env').fsPath);
    await monitor('WRONGPW_DB_');
    const sentence = await oneErrorNode(server.port, 'wrong-password');
    assert.match(sentence, new RegExp(`rejected the password for user '${USER}'`));
    assert.ok(envProbe.wasRead(), `resolving the pool read .env, and its access time shows it (${envProbe.describe()})`);
    const env = await fs.readFile(workspaceUri('.env').fsPath, 'utf8');
    await writeEnv(env.trimEnd().split('\n').map((line) => (line === `WRONGPW_DB_PASSWORD=${WRONG_PASSWORD}` ? `WRONGPW_DB_PASSWORD=${PASSWORD}` : line)));
    await recovered(server.port);
  });

  test('a server that accepts TCP and never answers: a time-out sentence, and no socket left open', async function () {
    this.timeout(120_000);
    await monitor('SILENT_DB_');
    const port = (silent.address() as net.AddressInfo).port;
    const sentence = await oneErrorNode(port, 'timeout');
    assert.match(sentence, /^Timed out connecting to /);
    await monitor('GOOD_DB_');
    await recovered(server.port);
    // The timed-out attempts closed their sockets; the monitor moved on without leaving one behind.
    await waitUntil('the silent server to have no open connection', async () => (silentSockets.size === 0 ? true : undefined));
    // The monitors of the earlier faults close their connections as they are replaced: one is left.
    await waitUntil('exactly one monitor connection to the healthy server', async () => {
      const [{ n }] = await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [USER]);
      return n === 1 ? true : undefined;
    });
  });

  test('the known passwords appear nowhere: tree, log, Inspect Pools report, settings files', async function () {
    this.timeout(120_000);
    // Monitoring GOOD_DB_ (password from the environment) after the .env held both passwords.
    const report = await vscode.commands.executeCommand<vscode.Uri>('poolLens.inspectPools');
    assert.ok(report, 'Inspect Pools resolves to its report');
    const reportText = vscode.workspace.textDocuments.find((d) => d.uri.toString() === report.toString())?.getText();
    assert.ok(reportText?.includes(`## 127.0.0.1:${server.port}`), `the report covers the server:\n${reportText}`);
    const tree = (await treeText()).join('\n');
    assert.ok(tree.includes('faults'), `the tree shows the pool:\n${tree}`);
    // The certificate is not verified with sslmode prefer, and the server node says so.
    const serverNode = (await children()).find((node) => node.kind === 'server')!;
    const serverItem = api.poolsTree.getTreeItem(serverNode);
    assert.match(String(serverItem.description), /^\d+ \/ 17 · TLS not verified$/);
    assert.match(hoverText(api, serverNode), /TLS not verified: with sslmode 'prefer' \(GOOD\\_DB\\_SSLMODE in /);
    const log = await logText();
    assert.ok(log.includes('rejected the password'), 'the log holds the earlier faults');
    const workspaceSettings = await fs.readFile(workspaceUri('.vscode/settings.json').fsPath, 'utf8');
    assert.ok(workspaceSettings.includes('GOOD_DB_'), 'the workspace settings file holds the pool');
    const userSettingsFile = path.join(api.foldersForTesting.globalStorageUri.fsPath, '..', '..', 'settings.json');
    const userSettings = await fs.readFile(userSettingsFile, 'utf8');
    const places: Record<string, string> = { tree, log, 'Inspect Pools report': reportText ?? '', 'workspace settings': workspaceSettings, 'user settings': userSettings };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [PASSWORD, WRONG_PASSWORD]) assert.ok(!text.includes(secret), `${place} contains a password`);
    }
    assert.ok(!JSON.stringify(api.livePools.state).includes(PASSWORD), 'the live state handed to the tree holds no password');
  });

  test('the sizing calculator page has a nonce-based policy, with a fresh nonce each time it opens', async function () {
    this.timeout(60_000);
    const nonces: string[] = [];
    for (let round = 0; round < 2; round++) {
      await vscode.commands.executeCommand('poolLens.openSizingCalculator');
      const html = await waitUntil('the sizing calculator to open', async () => api.sizingHtmlForTesting());
      nonces.push(assertNoncePolicy(html));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await waitUntil('the sizing calculator to close', async () => (api.sizingHtmlForTesting() === undefined ? true : undefined));
    }
    assert.notEqual(nonces[0], nonces[1]);
  });
});

async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
