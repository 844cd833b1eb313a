import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatePoolLens, openFile, waitForRule, waitForRuleGone, workspaceUri } from './support/editor';

const FOLDER = 'src/errorListeners';

/** A pool module a careful user splits from the server: the listener may live in either file. */
const DB = `import { Pool } from 'pg';

export const pool = new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders-api' });
`;

const SERVER_WITH_LISTENER = `import { pool } from './db';

pool.on('error', (err) => {
  console.error('idle client error', err);
});

export const ready = pool.query('SELECT 1');
`;

const SERVER_WITHOUT_LISTENER = `import { pool } from './db';

export const ready = pool.query('SELECT 1');
`;

async function write(relativePath: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(workspaceUri(relativePath), new TextEncoder().encode(text));
}

suite('Error listeners across files', () => {
  suiteSetup(activatePoolLens);

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(workspaceUri(FOLDER), { recursive: true, useTrash: false });
  });

  test("an exported pool's squiggle goes when another module adds its 'error' listener, and comes back when that module loses it", async () => {
    await write(`${FOLDER}/server.ts`, SERVER_WITHOUT_LISTENER);
    await write(`${FOLDER}/db.ts`, DB);
    const db = await openFile(`${FOLDER}/db.ts`);
    const uri = db.document.uri;

    const [finding] = await waitForRule(uri, 'missing-error-handler');
    assert.equal(db.document.getText(finding.range), "new Pool({ connectionTimeoutMillis: 5000, application_name: 'orders-api' })");
    assert.match(finding.message, /exported as 'pool', but no module of the project adds an 'error' listener/);

    await write(`${FOLDER}/server.ts`, SERVER_WITH_LISTENER);
    await waitForRuleGone(uri, 'missing-error-handler');

    await write(`${FOLDER}/server.ts`, SERVER_WITHOUT_LISTENER);
    await waitForRule(uri, 'missing-error-handler');

    await write(`${FOLDER}/server.ts`, SERVER_WITH_LISTENER);
    await waitForRuleGone(uri, 'missing-error-handler');
    await vscode.workspace.fs.delete(workspaceUri(`${FOLDER}/server.ts`));
    await waitForRule(uri, 'missing-error-handler');
  });
});
