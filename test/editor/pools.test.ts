import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type * as PgModule from 'pg';
import * as vscode from 'vscode';
import type { PoolLensApi } from '../../src/extension/extension';
import type { PoolsNode } from '../../src/extension/poolsTreeModel';
import { activatePoolLens, workspaceUri } from './support/editor';
import { hoverText } from './support/hover';
import { startPostgres, type EditorPostgres } from './support/postgres';
import { setWorkspaceSettings } from './support/settings';
import { sleep, WAIT_TIMEOUT_MS } from './support/wait';

/**
 * The Pools view, Inspect Pools and the session actions against a real PostgreSQL started by this
 * suite: two domain databases (blog, market) on one server, a blog pool with a leaked checkout and a
 * running query, and a market session left idle in transaction.
 */

const MAX_CONNECTIONS = 50;
const ROLES = {
  blog: { user: 'blog_app', password: 'blog-editor-pw-1' },
  market: { user: 'market_app', password: 'market-editor-pw-2' },
} as const;
const DEMO_FILE = 'pools-demo/db.js';
const DEMO_CODE = `const { Pool } = require('pg');

exports.blog = new Pool({
  host: process.env.BLOG_DB_HOST,
  port: Number(process.env.BLOG_DB_PORT),
  database: process.env.BLOG_DB_NAME,
  user: process.env.BLOG_DB_USER,
  password: process.env.BLOG_DB_PASSWORD,
  application_name: 'blog-api',
  max: 20,
  connectionTimeoutMillis: 5000,
});

exports.market = new Pool({
  host: process.env.MARKET_DB_HOST,
  port: Number(process.env.MARKET_DB_PORT),
  database: process.env.MARKET_DB_NAME,
  user: process.env.MARKET_DB_USER,
  password: process.env.MARKET_DB_PASSWORD,
  application_name: 'market-api',
  max: 30,
});
`;
/** Thresholds low enough that the leaks are called out a second or two after they happen. */
const SETTINGS: Record<string, unknown> = {
  refreshIntervalMs: 500,
  idleInTransactionWarnMs: 1000,
  idleCheckoutWarnMs: 2000,
  pools: [
    { name: 'blog', envPrefix: 'BLOG_DB_' },
    { name: 'market', envPrefix: 'MARKET_DB_' },
  ],
};

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

suite('Pools view against a live PostgreSQL', () => {
  let server: EditorPostgres;
  let api: PoolLensApi;
  let serverKey: string;
  const appPools: PgModule.Pool[] = [];
  /** Checked-out clients, destroyed at the end: pool.end() waits for checkouts to be released. */
  const checkedOut: PgModule.PoolClient[] = [];
  const clients: { leaked?: PgModule.PoolClient; leakedPid?: number; sleeping?: Promise<unknown>; sleepingPid?: number; inTransactionPid?: number } = {};
  let restoreSettings: (() => Promise<void>) | undefined;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await activatePoolLens();

    server = await startPostgres(MAX_CONNECTIONS);
    serverKey = `${server.host}:${server.port}`;
    for (const role of Object.values(ROLES)) await server.sql(`CREATE ROLE ${role.user} LOGIN PASSWORD '${role.password}'`);
    await server.sql(`CREATE DATABASE blog OWNER ${ROLES.blog.user}`);
    await server.sql(`CREATE DATABASE market OWNER ${ROLES.market.user}`);

    const env = (['blog', 'market'] as const).flatMap((domain) => {
      const prefix = `${domain.toUpperCase()}_DB_`;
      return [`${prefix}HOST=${server.host}`, `${prefix}PORT=${server.port}`, `${prefix}NAME=${domain}`, `${prefix}USER=${ROLES[domain].user}`, `${prefix}PASSWORD=${ROLES[domain].password}`, `${prefix}SSLMODE=disable`];
    });
    await fs.writeFile(workspaceUri('.env').fsPath, `${env.join('\n')}\n`);
    await fs.mkdir(workspaceUri('pools-demo').fsPath, { recursive: true });
    await fs.writeFile(workspaceUri(DEMO_FILE).fsPath, DEMO_CODE);

    // The application's sessions: what the view must find and call out.
    const pool = (domain: 'blog' | 'market', applicationName: string) => {
      const created = new server.pg.Pool({ host: server.host, port: server.port, database: domain, ...ROLES[domain], application_name: applicationName, max: 5 });
      created.on('error', () => undefined);
      appPools.push(created);
      return created;
    };
    const pidOf = async (client: PgModule.PoolClient) => {
      checkedOut.push(client);
      return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    };
    const blog = pool('blog', 'blog-api');
    const market = pool('market', 'market-api');
    clients.leaked = await blog.connect();
    clients.leaked.on('error', () => undefined);
    clients.leakedPid = await pidOf(clients.leaked);
    const busy = await blog.connect();
    busy.on('error', () => undefined);
    clients.sleepingPid = await pidOf(busy);
    clients.sleeping = busy.query('SELECT pg_sleep(300)').then(
      () => undefined,
      (error: unknown) => error,
    );
    const transaction = await market.connect();
    transaction.on('error', () => undefined);
    clients.inTransactionPid = await pidOf(transaction);
    await transaction.query('BEGIN');
    await transaction.query('SELECT count(*) FROM pg_class');

    restoreSettings = await setWorkspaceSettings(SETTINGS);
    // Open the Pools view as a user would: it polls only while visible.
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    api?.setConfirmForTesting(undefined);
    await restoreSettings?.();
    for (const client of checkedOut) client.release(true);
    await Promise.all(appPools.map((p) => p.end().catch(() => undefined)));
    await server?.stop();
    await fs.rm(workspaceUri('.env').fsPath, { force: true });
    await fs.rm(workspaceUri('pools-demo').fsPath, { recursive: true, force: true });
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
        if (node.kind === 'server' || node.kind === 'pool') await walk(await children(node), depth + 1);
      }
    };
    await walk(await children(), 0);
    return lines.join('\n') || '(empty tree)';
  }

  /** Polls the view's provider until `probe` finds what a user would see. */
  async function waitForTree<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the tree shows:\n${await describeTree()}`);
      await sleep(200);
    }
  }

  async function poolNode(domain: string): Promise<Of<'pool'> | undefined> {
    const servers = (await children()).filter((n): n is Of<'server'> => n.kind === 'server');
    const found = servers.find((s) => s.key === serverKey);
    if (!found) return undefined;
    return (await children(found)).find((n): n is Of<'pool'> => n.kind === 'pool' && n.domain === domain);
  }

  async function bucket(domain: string, label: string): Promise<Of<'bucket'> | undefined> {
    const pool = await poolNode(domain);
    if (!pool) return undefined;
    return (await children(pool)).find((n): n is Of<'bucket'> => n.kind === 'bucket' && api.poolsTree.getTreeItem(n).label === label);
  }

  async function sessionNode(domain: string, label: string, pid: number): Promise<Of<'session'> | undefined> {
    const group = await bucket(domain, label);
    if (!group) return undefined;
    return (await children(group)).find((n): n is Of<'session'> => n.kind === 'session' && n.row.pid === pid);
  }

  async function bucketLabels(domain: string): Promise<string[]> {
    const pool = await poolNode(domain);
    if (!pool) return [];
    return (await children(pool)).map((n) => `${String(api.poolsTree.getTreeItem(n).label)} ${String(api.poolsTree.getTreeItem(n).description)}`);
  }

  async function alive(pid: number): Promise<boolean> {
    return (await server.sql<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]))[0].n === 1;
  }

  test('shows one server with both domain pools and their sessions by state', async () => {
    await waitForTree('one server with blog (2 sessions) and market (1 session)', async () => {
      const roots = await children();
      const servers = roots.filter((n) => n.kind === 'server');
      if (servers.length !== 1) return undefined;
      const blog = await poolNode('blog');
      const market = await poolNode('market');
      if (!blog || !market) return undefined;
      const description = (node: PoolsNode) => String(api.poolsTree.getTreeItem(node).description);
      if (!description(blog).startsWith('blog-api · 2 sessions') || !description(market).startsWith('market-api · 1 session ')) return undefined;
      return true;
    });
    const [server] = await children();
    const item = api.poolsTree.getTreeItem(server);
    assert.equal(item.label, serverKey);
    // usable = 50 − 3 superuser-reserved; the .env says SSLMODE=disable, which the node calls out.
    assert.match(String(item.description), /^\d+ \/ 47 · not encrypted$/);
    assert.match(hoverText(api, server), /Not encrypted: sslmode 'disable' \(BLOG\\_DB\\_SSLMODE in /);
    const pools = (await children(server)).filter((n): n is Of<'pool'> => n.kind === 'pool');
    assert.deepEqual(pools.slice(0, 2).map((p) => p.domain), ['blog', 'market']);

    assert.deepEqual(await bucketLabels('blog'), ['active 1', 'idle 1']);
    // The monitor connects as blog_app, which may not read market_app's session state: counted, not dropped.
    assert.deepEqual(await bucketLabels('market'), ['hidden 1']);
    assert.match(hoverText(api, (await bucket('market', 'hidden'))!), /GRANT pg_read_all_stats TO blog_app;/);
  });

  test('after GRANT pg_read_all_stats, the hidden session shows its state', async () => {
    await server.sql(`GRANT pg_read_all_stats TO ${ROLES.blog.user}`);
    await waitForTree('market to show its session idle in transaction', async () => {
      const labels = await bucketLabels('market');
      return labels.join() === 'idle in transaction 1' ? true : undefined;
    });
  });

  test('calls out the session idle in transaction and the leaked checkout', async () => {
    const iit = await waitForTree('the idle-in-transaction session flagged', async () => {
      const node = await sessionNode('market', 'idle in transaction', clients.inTransactionPid!);
      const icon = node && (api.poolsTree.getTreeItem(node).iconPath as vscode.ThemeIcon);
      return icon?.id === 'warning' ? node : undefined;
    });
    const iitItem = api.poolsTree.getTreeItem(iit);
    assert.equal((iitItem.iconPath as vscode.ThemeIcon).color?.id, 'list.warningForeground');
    assert.match(hoverText(api, iit), /Idle in transaction for/);
    assert.match(hoverText(api, iit), /SELECT count\(\*\) FROM pg_class/);
    // The session rows above are loaded when asked for; the pool's own call-out follows the next snapshot,
    // which may still be one taken before the transaction passed the warning threshold.
    await waitForTree('the market pool to call out its idle transaction', async () => {
      return /Idle in transaction for .* \(pid \d+\)/.test(hoverText(api, (await poolNode('market'))!)) ? true : undefined;
    });

    const leaked = await waitForTree('the leaked checkout flagged', async () => {
      const node = await sessionNode('blog', 'idle', clients.leakedPid!);
      const icon = node && (api.poolsTree.getTreeItem(node).iconPath as vscode.ThemeIcon);
      return icon?.id === 'warning' ? node : undefined;
    });
    assert.match(hoverText(api, leaked), /never released/);
  });

  test('Inspect Pools opens a report with the recommended max of each pool and no password', async function () {
    this.timeout(60_000);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('poolLens.inspectPools');
    assert.ok(uri, 'the command should resolve to the report');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    assert.ok(document, 'the report should be open');
    const text = document.getText();
    assert.equal(document.languageId, 'markdown');
    assert.ok(text.includes(`## ${serverKey}`), text);
    // usable 47 − headroom 5 = 42; 80% = 33.6 shared by two pools of one instance: ⌊16.8⌋ = 16 each.
    assert.match(text, /\| blog \| blog \| blog-api \| 2 .*\| 20 \| \*\*16\*\* \|/);
    assert.match(text, /\| market \| market \| market-api \| 1 .*⚠ 1 session idle in transaction.*\| 30 \| \*\*16\*\* \|/);
    assert.match(text, /set `max: 16` in \[pools-demo\/db\.js:3\]/);
    for (const role of Object.values(ROLES)) assert.ok(!text.includes(role.password), 'the report must not contain a password');
  });

  test('terminating a session asks first, naming the pid and the database; no means the session lives', async () => {
    const pid = clients.leakedPid!;
    const node = await waitForTree('the leaked session in the tree', () => sessionNode('blog', 'idle', pid));
    const asked: string[] = [];
    api.setConfirmForTesting(async (message) => {
      asked.push(message);
      return false;
    });
    assert.equal(await vscode.commands.executeCommand('poolLens.terminateSession', node), false);
    assert.equal(asked.length, 1);
    assert.match(asked[0], new RegExp(`session ${pid}\\b.*database 'blog'`));
    assert.ok(await alive(pid), 'declining must leave the session alive');

    api.setConfirmForTesting(async () => true);
    assert.equal(await vscode.commands.executeCommand('poolLens.terminateSession', node), true);
    // pg_terminate_backend signals the backend; it leaves pg_stat_activity a moment later.
    await waitForTree(`session ${pid} to leave pg_stat_activity`, async () => ((await alive(pid)) ? undefined : true));
  });

  test('cancelling a query asks first, then stops the statement and keeps the session', async () => {
    const pid = clients.sleepingPid!;
    const node = await waitForTree('the running query in the tree', () => sessionNode('blog', 'active', pid));
    const asked: string[] = [];
    api.setConfirmForTesting(async (message) => {
      asked.push(message);
      return true;
    });
    assert.equal(await vscode.commands.executeCommand('poolLens.cancelQuery', node), true);
    assert.match(asked[0], new RegExp(`Cancel the running query of session ${pid}\\b.*database 'blog'`));
    const outcome = await clients.sleeping;
    assert.ok(outcome instanceof Error && /canceling statement due to user request/.test(outcome.message), `the query should be cancelled, got ${String(outcome)}`);
    assert.ok(await alive(pid), 'cancel keeps the session');
  });

  test('polls only while the view is visible', async () => {
    assert.equal(api.livePools.polling, true, 'polling while the Pools view is open');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitForTree('polling to pause', async () => (api.livePools.polling ? undefined : true));
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
    await waitForTree('polling to resume', async () => (api.livePools.polling ? true : undefined));
  });

  test('the sizing calculator opens as a webview next to the code', async () => {
    await vscode.commands.executeCommand('poolLens.openSizingCalculator');
    await waitForTree('a "Pool Sizing" webview tab', async () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).some((tab) => tab.label === 'Pool Sizing' && tab.input instanceof vscode.TabInputWebview) ? true : undefined,
    );
  });

  test('with poolLens.pools empty, the pools come from process.env.<NAME>_DB_* reads in the code', async () => {
    await vscode.workspace.getConfiguration('poolLens').update('pools', [], vscode.ConfigurationTarget.Workspace);
    await waitForTree('blog and market found in pools-demo/db.js, monitored on the same server', async () => {
      const state = api.livePools.state;
      if (state.origin !== 'code' || state.domains.map((d) => d.name).join() !== 'blog,market') return undefined;
      return (await poolNode('blog')) && (await poolNode('market')) ? true : undefined;
    });
  });

  test('with no pool in settings or code, the view is empty so that its welcome shows', async () => {
    await fs.rm(workspaceUri('pools-demo').fsPath, { recursive: true, force: true });
    await vscode.commands.executeCommand('poolLens.refreshPools');
    assert.equal(api.livePools.state.status, 'unconfigured');
    assert.deepEqual(await children(), []);
  });

});
