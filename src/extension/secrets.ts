import * as vscode from 'vscode';
import { serverKey, type DomainConfig } from '../pg/domains';

/** The connection a saved password belongs to: the same user, server and database `.pgpass` would match. */
export type PasswordTarget = Pick<DomainConfig, 'name' | 'host' | 'port' | 'database' | 'user'>;

/**
 * Passwords the user typed, kept in VS Code's SecretStorage (the OS keychain), never in settings.
 * They are keyed by user@host:port/database rather than by the pool's name, so two workspaces that
 * both call a pool "blog" do not share a password for different servers.
 */
export class PasswordStore {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a password was saved or forgotten. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(target: PasswordTarget): Thenable<string | undefined> {
    return this.secrets.get(secretKey(target));
  }

  async store(target: PasswordTarget, password: string): Promise<void> {
    await this.secrets.store(secretKey(target), password);
    this.changed.fire();
  }

  async forget(target: PasswordTarget): Promise<boolean> {
    const key = secretKey(target);
    const had = (await this.secrets.get(key)) !== undefined;
    await this.secrets.delete(key);
    this.changed.fire();
    return had;
  }

  /** Asks for a password in a masked input box; undefined when the user dismisses it. */
  async ask(target: PasswordTarget, why: 'missing' | 'update'): Promise<string | undefined> {
    const where = describeTarget(target);
    const password = await vscode.window.showInputBox({
      title: `Password for pool '${target.name}'`,
      prompt:
        why === 'missing'
          ? `${where} asks for a password that is not in the environment, the .env files or ~/.pgpass. Pool Lens keeps it in VS Code's secret storage, not in settings.`
          : `New password for ${where}. Pool Lens keeps it in VS Code's secret storage, not in settings.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.length === 0 ? 'Type the password, or press Escape to cancel.' : undefined),
    });
    return password === undefined || password.length === 0 ? undefined : password;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function describeTarget(target: PasswordTarget): string {
  return `user '${target.user}' on ${serverKey(target)}/${target.database}`;
}

function secretKey(target: PasswordTarget): string {
  return `poolLens.password:${target.user}@${serverKey(target)}/${target.database}`;
}
