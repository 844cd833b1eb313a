import * as vscode from 'vscode';
import type { DomainConfig } from '../pg/domains';
import { CommandId } from './constants';
import type { LivePools } from './livePools';
import { errorText, type Log } from './log';
import { openCheckout } from './openCheckout';
import type { PoolsTreeProvider } from './poolsTree';
import type { PoolsNode } from './poolsTreeModel';
import { describeTarget, type PasswordStore } from './secrets';

type SessionNode = Extract<PoolsNode, { kind: 'session' }>;

/**
 * Asks the user to confirm a destructive action; resolves true only on an explicit yes. The default
 * is a modal warning. Tests replace it through the extension's API to answer without a person.
 */
export type Confirm = (message: string, detail: string, action: string) => Promise<boolean>;

export const modalConfirm: Confirm = async (message, detail, action) =>
  (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;

export interface PoolsCommandDeps {
  live: LivePools;
  tree: PoolsTreeProvider;
  passwords: PasswordStore;
  log: Log;
  /** Read at each use, so a test can swap it. */
  confirm: () => Confirm;
}

/** The Pools view's commands: refresh, the session context menu, paging, and the password commands. */
export function registerPoolsCommands(deps: PoolsCommandDeps): vscode.Disposable[] {
  const { live, tree, passwords, log } = deps;
  return [
    vscode.commands.registerCommand(CommandId.refreshPools, () => live.refresh({ rediscover: true })),
    vscode.commands.registerCommand(CommandId.showMoreSessions, (node: PoolsNode) => {
      if (node?.kind === 'more') tree.showMore(node);
    }),
    vscode.commands.registerCommand(CommandId.copyQuery, async (node: PoolsNode) => {
      if (node?.kind !== 'session' || !node.row.query) return false;
      await vscode.env.clipboard.writeText(node.row.query);
      return true;
    }),
    vscode.commands.registerCommand(CommandId.cancelQuery, (node: PoolsNode) => signal(node, 'cancel')),
    vscode.commands.registerCommand(CommandId.terminateSession, (node: PoolsNode) => signal(node, 'terminate')),
    vscode.commands.registerCommand(CommandId.setPassword, (node?: PoolsNode) => setPassword(node)),
    vscode.commands.registerCommand(CommandId.forgetPassword, (node?: PoolsNode) => forgetPassword(node)),
    vscode.commands.registerCommand(CommandId.openCheckout, (file: unknown, line: unknown, column: unknown) => openCheckout(log, file, line, column)),
  ];

  /**
   * Cancels the query of, or terminates, one session after a modal confirmation naming the pid and the
   * database. Resolves true when the server signalled the session.
   */
  async function signal(node: PoolsNode, action: 'cancel' | 'terminate'): Promise<boolean> {
    if (node?.kind !== 'session') return false;
    const { pid } = node.row;
    const { database, serverKey } = node.pool;
    const confirmed = await deps.confirm()(...confirmation(node, action));
    if (!confirmed) return false;
    try {
      const signalled = action === 'cancel' ? await live.cancel(serverKey, pid) : await live.terminate(serverKey, pid);
      if (!signalled) void vscode.window.showWarningMessage(`Session ${pid} on database '${database}' no longer exists.`);
      else log.info(`${action === 'cancel' ? 'Cancelled the query of' : 'Terminated'} session ${pid} on ${serverKey}/${database}.`);
      await live.refresh();
      return signalled;
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not ${action === 'cancel' ? 'cancel the query of' : 'terminate'} session ${pid}: ${errorText(error)}`);
      return false;
    }
  }

  async function setPassword(node: PoolsNode | undefined): Promise<boolean> {
    const domain = await pickDomain(node, 'Set the password of which pool?');
    if (!domain) return false;
    const password = await passwords.ask(domain, 'update');
    if (password === undefined) return false;
    await passwords.store(domain, password);
    live.usePassword(domain.name, password);
    void live.refresh();
    return true;
  }

  async function forgetPassword(node: PoolsNode | undefined): Promise<boolean> {
    const domain = await pickDomain(node, 'Forget the saved password of which pool?');
    if (!domain) return false;
    const had = await passwords.forget(domain);
    void vscode.window.showInformationMessage(
      had ? `Forgot the saved password of ${describeTarget(domain)}.` : `No password was saved for ${describeTarget(domain)}.`,
    );
    // The resolved password may still come from the environment or ~/.pgpass: rebuild from the sources.
    await live.reconnect();
    return had;
  }

  /** The pool a command applies to: the clicked node's, the only one, or the user's pick. */
  async function pickDomain(node: PoolsNode | undefined, placeHolder: string): Promise<DomainConfig | undefined> {
    const domains = live.state.domains;
    const serverKey = node && 'serverKey' in node ? node.serverKey : node?.kind === 'server' ? node.key : undefined;
    const domainName = node?.kind === 'pool' ? node.domain : undefined;
    let candidates = domainName ? domains.filter((d) => d.name === domainName) : domains;
    if (!domainName && serverKey) candidates = domains.filter((d) => live.state.snapshot?.servers.find((s) => s.key === serverKey)?.domains.includes(d.name));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('No pool is configured; add one to poolLens.pools first.');
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await vscode.window.showQuickPick(
      candidates.map((domain) => ({ label: domain.name, description: describeTarget(domain), domain })),
      { placeHolder },
    );
    return picked?.domain;
  }
}

/** The modal's message, detail and button for a session action. */
export function confirmation(node: SessionNode, action: 'cancel' | 'terminate'): [message: string, detail: string, action: string] {
  const { pid } = node.row;
  const where = `database '${node.pool.database}' on ${node.pool.serverKey}`;
  return action === 'cancel'
    ? [
        `Cancel the running query of session ${pid} (${where})?`,
        'pg_cancel_backend stops the statement; the application sees an error and the session stays connected.',
        'Cancel Query',
      ]
    : [
        `Terminate session ${pid} (${where})?`,
        'pg_terminate_backend ends the connection; an open transaction is rolled back and the application pool sees a broken client.',
        'Terminate Session',
      ];
}
