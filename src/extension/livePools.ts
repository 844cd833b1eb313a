import * as vscode from 'vscode';
import { loadDomainSources } from '../pg/domainSources';
import { resolveDomains, type DomainConfig, type DomainSetting } from '../pg/domains';
import type { ServerSnapshot, SessionRow, Snapshot } from '../pg/model';
import { Monitor } from '../pg/monitor';
import { Poller } from '../pg/poller';
import type { Config } from './config';
import { CONFIG_SECTION } from './constants';
import { errorText, type Log } from './log';
import type { PasswordStore } from './secrets';

/** `untrusted`: nothing is read or opened; `unconfigured`: no pool in settings or code; `live`: monitoring. */
export type LiveStatus = 'untrusted' | 'unconfigured' | 'live';

export interface LiveState {
  status: LiveStatus;
  /** The latest snapshot; undefined until the first refresh after (re)connecting. */
  snapshot: Snapshot | undefined;
  /** Pools that could not be resolved and warnings about the settings, one sentence each. */
  problems: string[];
  /** The domains being monitored (no passwords in them). */
  domains: DomainConfig[];
  /** Whether the domains come from `poolLens.pools` or were found in the workspace code. */
  origin: 'settings' | 'code';
}

/** Domain pools found in the workspace code, used when `poolLens.pools` is empty. */
export type DomainDiscovery = () => Promise<DomainSetting[]>;

/** Settings whose change means new connections: the monitor is rebuilt (reconnect, not reload). */
const CONNECTION_SETTINGS = ['pools', 'envFiles', 'idleCheckoutWarnMs'].map((name) => `${CONFIG_SECTION}.${name}`);

/**
 * The live side of the Pools view: reads the settings and `.env` files, resolves the domain pools, and
 * owns the one Monitor (one connection per server) and its Poller. Starts when the view is first shown
 * (or a command needs live data), so merely opening a file connects to nothing; polls only while the
 * view is visible. Connection settings, `.env` edits and newly granted workspace trust rebuild the monitor in
 * place. In an untrusted workspace it reads no `.env` file and opens no connection.
 */
export class LivePools implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LiveState>();
  /** Fires on every new snapshot and every change of status or configuration. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private envWatchers: vscode.Disposable[] = [];
  private monitor: Monitor | undefined;
  private poller: Poller | undefined;
  private current: LiveState = { status: 'unconfigured', snapshot: undefined, problems: [], domains: [], origin: 'settings' };
  private visible = false;
  /** Bumped on each reconnect, so a slow older one cannot install its monitor over a newer one. */
  private generation = 0;
  private connecting: Promise<void> = Promise.resolve();
  /** Servers whose missing password was already asked for in this window: ask once, not on every refresh. */
  private readonly askedPassword = new Set<string>();
  /** Nothing is read or connected until the view is first shown or a command needs the live data. */
  private started = false;
  /** The error sentence last logged per server, so a failing server is logged when its problem changes, not on every refresh. */
  private readonly loggedErrors = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly log: Log,
    private readonly passwords: PasswordStore,
    private readonly discover: DomainDiscovery = async () => [],
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (CONNECTION_SETTINGS.some((setting) => event.affectsConfiguration(setting))) this.reconnectIfStarted();
        else if (event.affectsConfiguration(`${CONFIG_SECTION}.refreshIntervalMs`)) this.poller?.setInterval(this.config.refreshIntervalMs());
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reconnectIfStarted()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reconnectIfStarted()),
    );
  }

  get state(): LiveState {
    return this.current;
  }

  /** Whether refreshes run on their timer now: false while the view is hidden or nothing is monitored. */
  get polling(): boolean {
    return this.poller?.running ?? false;
  }

  /** The view shows or hides: poll only while someone looks. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.start();
    if (visible) this.poller?.resume();
    else this.poller?.pause();
  }

  /**
   * Refreshes now; resolves once the tree has the new snapshot. `rediscover` (the Refresh button) also
   * looks for pools in the code again when they come from there, since code edits do not reconnect.
   */
  async refresh(options: { rediscover?: boolean } = {}): Promise<Snapshot | undefined> {
    if (!this.start() && options.rediscover && (this.current.origin === 'code' || this.current.status === 'unconfigured')) await this.reconnect();
    await this.connecting;
    this.monitor?.retryNow();
    await this.poller?.refresh();
    return this.current.snapshot;
  }

  private reconnectIfStarted(): void {
    if (this.started) void this.reconnect();
  }

  /** Connects for the first time; returns false when that already happened. */
  private start(): boolean {
    if (this.started) return false;
    this.started = true;
    void this.reconnect();
    return true;
  }

  /** Rebuilds the monitor from the current settings; resolves when the new one is in place. */
  reconnect(): Promise<void> {
    this.started = true;
    const generation = ++this.generation;
    this.connecting = this.connecting.then(() => this.connect(generation)).catch((error: unknown) => {
      // An unreadable .env file, say: the view shows the sentence instead of going quiet.
      const sentence = `Could not read the pool settings: ${errorText(error)}`;
      this.log.error(sentence);
      if (generation === this.generation) this.publish({ status: 'live', snapshot: undefined, problems: [sentence], domains: [], origin: 'settings' });
    });
    return this.connecting;
  }

  sessions(serverKey: string, database: string, applicationName: string, user?: string): Promise<SessionRow[]> {
    return this.requireMonitor().sessions(serverKey, database, applicationName, user);
  }

  cancel(serverKey: string, pid: number): Promise<boolean> {
    return this.requireMonitor().cancel(serverKey, pid);
  }

  terminate(serverKey: string, pid: number): Promise<boolean> {
    return this.requireMonitor().terminate(serverKey, pid);
  }

  /** Hands a password to the running monitor (after the user typed or forgot one). */
  usePassword(domain: string, password: string | undefined): void {
    this.monitor?.setPassword(domain, password);
  }

  dispose(): void {
    this.generation++;
    this.stopMonitor();
    for (const watcher of this.envWatchers) watcher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private requireMonitor(): Monitor {
    if (!this.monitor) throw new Error('Pool Lens is not connected to any pool.');
    return this.monitor;
  }

  private async connect(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    this.stopMonitor();
    for (const watcher of this.envWatchers) watcher.dispose();
    this.envWatchers = [];

    if (!vscode.workspace.isTrusted) {
      this.publish({ status: 'untrusted', snapshot: undefined, problems: [], domains: [], origin: 'settings' });
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    const configured = this.config.pools();
    const hasSettings = Array.isArray(configured) ? configured.length > 0 : configured !== undefined && configured !== null;
    const pools = hasSettings ? configured : await this.discoverQuietly();
    const origin = hasSettings ? 'settings' : 'code';
    if (generation !== this.generation) return;
    if (!hasSettings && (pools as DomainSetting[]).length === 0) {
      this.publish({ status: 'unconfigured', snapshot: undefined, problems: [], domains: [], origin });
      return;
    }

    const envFiles = folder ? this.config.envFiles() : [];
    const sources = await loadDomainSources({ folder: folder?.uri.fsPath ?? process.cwd(), pools, envFiles });
    const resolved = resolveDomains(sources);
    const domains = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
    const problems = [...resolved.domains.flatMap((d) => (d.ok ? [] : [d.error])), ...resolved.warnings];
    for (const domain of domains) {
      if (!domain.needsPassword) continue;
      const saved = await this.passwords.get(domain);
      if (saved !== undefined) resolved.passwords.set(domain.name, saved);
    }
    if (generation !== this.generation) return;
    if (folder) this.watchEnvFiles(folder, envFiles);

    if (domains.length === 0) {
      this.publish({ status: 'live', snapshot: undefined, problems, domains, origin });
      return;
    }
    const monitor = new Monitor(domains, resolved.passwords, { staleIdleMs: this.config.idleCheckoutWarnMs() });
    const poller = new Poller(monitor, {
      intervalMs: this.config.refreshIntervalMs(),
      onSnapshot: (snapshot) => {
        if (this.monitor !== monitor) return;
        this.logServerErrors(snapshot.servers);
        this.publish({ ...this.current, snapshot });
        void this.askForMissingPasswords(snapshot.servers);
      },
      // Server failures are inside the snapshot; this is the monitor itself failing, for the log only.
      onError: (error) => this.log.warn(`Refreshing the live pools failed: ${errorText(error)}`),
    });
    this.monitor = monitor;
    this.poller = poller;
    this.log.info(`Monitoring ${domains.length} pool${domains.length === 1 ? '' : 's'} (${origin === 'code' ? 'found in the code' : 'from settings'}) on ${monitor.servers.map((s) => s.key).join(', ')}.`);
    for (const problem of problems) this.log.warn(problem);
    this.publish({ status: 'live', snapshot: undefined, problems, domains, origin });
    if (!this.visible) poller.pause();
    poller.start();
  }

  private async discoverQuietly(): Promise<DomainSetting[]> {
    try {
      return await this.discover();
    } catch (error) {
      this.log.warn(`Could not look for pools in the workspace code: ${errorText(error)}`);
      return [];
    }
  }

  /** A `.env` file that is created, edited or deleted changes the connection settings. */
  private watchEnvFiles(folder: vscode.WorkspaceFolder, files: readonly string[]): void {
    for (const file of files) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, file));
      const onChange = () => void this.reconnect();
      this.envWatchers.push(watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange), watcher.onDidDelete(onChange));
    }
  }

  /**
   * A server that asks for a password nobody supplied: ask the user once (per server and window), keep
   * the answer in SecretStorage and retry at once. Dismissing leaves the error node with its "Set
   * Password" action; no further prompt appears on later refreshes.
   */
  private async askForMissingPasswords(servers: readonly ServerSnapshot[]): Promise<void> {
    for (const server of servers) {
      if (server.errorKind !== 'password-required' || this.askedPassword.has(server.key)) continue;
      const domain = this.current.domains.find((d) => server.domains.includes(d.name) && d.needsPassword);
      if (!domain) continue;
      this.askedPassword.add(server.key);
      const password = await this.passwords.ask(domain, 'missing');
      if (password === undefined) continue;
      await this.passwords.store(domain, password);
      this.usePassword(domain.name, password);
      await this.poller?.refresh();
    }
  }

  /** The tree shows each failing server's sentence; the log gets the same sentence once, and a line when it recovers. */
  private logServerErrors(servers: readonly ServerSnapshot[]): void {
    for (const server of servers) {
      const logged = this.loggedErrors.get(server.key);
      if (server.status === 'error' && server.error !== undefined && server.error !== logged) {
        this.log.error(server.error);
        this.loggedErrors.set(server.key, server.error);
      } else if (server.status === 'ok' && logged !== undefined) {
        this.log.info(`Connected to ${server.key} again.`);
        this.loggedErrors.delete(server.key);
      }
    }
  }

  private stopMonitor(): void {
    this.poller?.dispose();
    this.poller = undefined;
    const monitor = this.monitor;
    this.monitor = undefined;
    if (monitor) void monitor.dispose().catch((error: unknown) => this.log.warn(`Closing the monitor's connections failed: ${errorText(error)}`));
  }

  private publish(state: LiveState): void {
    this.current = state;
    this.changed.fire(state);
  }
}
