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
 * The Pools view's hover: a session row carries no tooltip, and hovering it asks the view for one
 * (`resolveTreeItem`), built then from the latest refresh with ages to the second.
 *
 * This suite runs inside the extension host, which has no handle on the workbench page, so it calls the
 * provider's `resolveTreeItem` on the extension's real tree as VS Code does on hover. The mouse over the
 * rendered row is driven in the browser after the suites, by test/runner/codeServer/hoverChecks.ts
 * (suite "Workbench in the browser: hovering a session row of the Pools view"), which also runs
 * whenever this suite is selected. VS Code asks only when an item's tooltip is undefined, and once
 * per item it was given (`TreeDataProvider.resolveTreeItem`).
 */

const ROLE = { user: 'hover_app', password: 'hover-editor-pw-3' } as const;
const PROBE_QUERY = 'SELECT 42 AS hover_probe';
const SETTINGS: Record<string, unknown> = {
  refreshIntervalMs: 500,
  pools: [{ name: 'hover', envPrefix: 'HOVER_DB_' }],
};

type Of<K extends PoolsNode['kind']> = Extract<PoolsNode, { kind: K }>;

suite('Pools view hover', () => {
  let server: EditorPostgres;
  let api: PoolLensApi;
  let app: PgModule.Client;
  let pid: number;
  let restoreSettings: (() => Promise<void>) | undefined;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await activatePoolLens();

    server = await startPostgres(20);
    await server.sql(`CREATE ROLE ${ROLE.user} LOGIN PASSWORD '${ROLE.password}'`);
    await server.sql(`CREATE DATABASE hover OWNER ${ROLE.user}`);
    const env = [`HOST=${server.host}`, `PORT=${server.port}`, 'NAME=hover', `USER=${ROLE.user}`, `PASSWORD=${ROLE.password}`, 'SSLMODE=disable'];
    await fs.writeFile(workspaceUri('.env').fsPath, `${env.map((line) => `HOVER_DB_${line}`).join('\n')}\n`);

    // The application's one session: idle after a query the hover must show.
    app = new server.pg.Client({ host: server.host, port: server.port, database: 'hover', ...ROLE, application_name: 'hover-api' });
    app.on('error', () => undefined);
    await app.connect();
    pid = (await app.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await app.query(PROBE_QUERY);

    restoreSettings = await setWorkspaceSettings(SETTINGS);
    await vscode.commands.executeCommand('workbench.view.extension.poolLens');
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await restoreSettings?.();
    await app?.end().catch(() => undefined);
    await server?.stop();
    await fs.rm(workspaceUri('.env').fsPath, { force: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  async function children(node?: PoolsNode): Promise<PoolsNode[]> {
    return (await api.poolsTree.getChildren(node)) ?? [];
  }

  /** The app's session row under hover → idle, as the view hands it out (the object VS Code would hold). */
  async function sessionRow(): Promise<Of<'session'> | undefined> {
    const serverNode = (await children()).find((n): n is Of<'server'> => n.kind === 'server' && n.key === `${server.host}:${server.port}`);
    const pool = serverNode && (await children(serverNode)).find((n): n is Of<'pool'> => n.kind === 'pool' && n.domain === 'hover' && n.activity?.applicationName === 'hover-api');
    const idle = pool && (await children(pool)).find((n): n is Of<'bucket'> => n.kind === 'bucket' && n.bucket === 'idle');
    return idle && (await children(idle)).find((n): n is Of<'session'> => n.kind === 'session' && n.row.pid === pid);
  }

  /** Polls until `probe` finds what it looks for; on timeout says what the hover last read. */
  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, last: () => string): Promise<T> {
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${last()}`);
      await sleep(200);
    }
  }

  test('a session row carries no tooltip; hovering it shows its pid, state, database, user, ages and query', async () => {
    const node = await until('the hover-api session under the idle bucket', sessionRow, () => 'no such row');
    const item = api.poolsTree.getTreeItem(node);
    assert.equal(item.label, `pid ${pid}`);
    assert.equal(item.tooltip, undefined, 'the row is drawn without a tooltip, so VS Code asks for it on hover');
    const hover = hoverText(api, node);
    assert.ok(hover.startsWith(`**pid ${pid}** · idle · database 'hover' · user 'hover\\_app'`), hover);
    assert.match(hover, /connected [^·]+ ago · last query started [^·]+ ago · in this state for [^·\n]+\n/);
    assert.ok(hover.includes(PROBE_QUERY), hover);
  });

  test('a later hover over the same row object reads the latest refresh: the connection age has grown', async () => {
    const node = await until('the hover-api session under the idle bucket', sessionRow, () => 'no such row');
    const first = connectedMs(hoverText(api, node));
    let last = '';
    // No getChildren in between: the refreshes update the element VS Code holds, and the hover reads it.
    const later = await until(
      `a hover whose connection age is past ${first} ms`,
      () => {
        last = hoverText(api, node);
        const ms = connectedMs(last);
        return ms > first ? ms : undefined;
      },
      () => last,
    );
    assert.ok(later > first);
  });
});

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** The "connected … ago" age of a session hover in ms, from formatAge's words (`401 ms`, `12 s`, `1 min 5 s`, `2 h`). */
function connectedMs(hover: string): number {
  const age = /connected ([^·]+) ago/.exec(hover)?.[1] ?? '';
  const parts = [...age.matchAll(/(\d+) (ms|s|min|h)\b/g)];
  assert.ok(parts.length > 0 && parts.map((part) => part[0]).join(' ') === age.trim(), `no connection age in the hover: ${hover}`);
  return parts.reduce((sum, [, count, unit]) => sum + Number(count) * UNIT_MS[unit], 0);
}
