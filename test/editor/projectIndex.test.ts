import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePoolLens, openFile, settledDiagnostics, setText, waitForRule, waitForRuleGone, workspaceUri } from './support/editor';

/** A module whose `primary` export is a pg pool: nothing in its name says so. */
const DB_WITH_POOL = `import { Pool } from 'pg';

export const primary = new Pool({ connectionTimeoutMillis: 5000, application_name: 'reports' });
primary.on('error', (err) => console.error(err));
`;
const DB_WITHOUT_POOL = `export const primary = { query: async (_text: string) => ({ rows: [] as unknown[] }) };\n`;

/**
 * Leaks a client if `primary` is a pool: the query can throw before the release. Without knowing what
 * db.ts exports, nothing marks `primary` as a pool, so the file shows no finding.
 */
const REPORT = `import { primary } from './db';

export async function countOrders(): Promise<number> {
  const client = await primary.connect();
  const result = await client.query('SELECT count(*) AS n FROM orders');
  client.release();
  return Number(result.rows[0].n);
}
`;

const FOLDER = 'src/projectIndex';

async function write(relativePath: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(workspaceUri(relativePath), new TextEncoder().encode(text));
}

suite('Project index', () => {
  suiteSetup(activatePoolLens);

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(workspaceUri(FOLDER), { recursive: true, useTrash: false });
  });

  test('a pool exported by db.ts reaches an open file that imports it, as db.ts is created, changed and deleted', async () => {
    await write(`${FOLDER}/report.ts`, REPORT);
    const report = await openFile(`${FOLDER}/report.ts`);
    const uri = report.document.uri;
    assert.deepEqual(
      (await settledDiagnostics(uri)).map((d) => d.message),
      [],
      'with no db.ts, `primary` is not known to be a pool',
    );

    await write(`${FOLDER}/db.ts`, DB_WITH_POOL);
    const [leak] = await waitForRule(uri, 'leaked-client');
    assert.equal(report.document.getText(leak.range), 'primary.connect()');

    await write(`${FOLDER}/db.ts`, DB_WITHOUT_POOL);
    await waitForRuleGone(uri, 'leaked-client');

    await write(`${FOLDER}/db.ts`, DB_WITH_POOL);
    await waitForRule(uri, 'leaked-client');
    await vscode.workspace.fs.delete(workspaceUri(`${FOLDER}/db.ts`));
    await waitForRuleGone(uri, 'leaked-client');
  });

  test('an unsaved edit of db.ts counts, and closing it unsaved puts the file on disk back', async () => {
    await write(`${FOLDER}/db.ts`, DB_WITHOUT_POOL);
    await write(`${FOLDER}/report.ts`, REPORT);
    const report = await openFile(`${FOLDER}/report.ts`);
    const uri = report.document.uri;
    await waitForRuleGone(uri, 'leaked-client');

    const db = await openFile(`${FOLDER}/db.ts`);
    await setText(db.document, DB_WITH_POOL, false);
    assert.ok(db.document.isDirty, 'db.ts should be left unsaved');
    await waitForRule(uri, 'leaked-client');

    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitForRuleGone(uri, 'leaked-client');
  });
});
