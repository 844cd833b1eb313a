import * as vscode from 'vscode';
import { RULE_IDS, type RuleId, type RuleOptions, type SeveritySetting } from '../core/types';
import { CONFIG_SECTION, DEFAULT_DEBOUNCE_MS, LIVE_DEFAULTS } from './constants';
import type { Log } from './log';

const SEVERITY_SETTINGS: readonly string[] = ['off', 'info', 'warning', 'error'];
/** Settings that change what the analysis reports; a change re-analyses open documents. */
const ANALYSIS_SETTINGS = ['enable', 'rules', 'connectionBudget'].map((name) => `${CONFIG_SECTION}.${name}`);

/** Typed access to the `poolLens.*` settings, read per document so folder settings apply. */
export class Config implements vscode.Disposable {
  private readonly analysisChanged = new vscode.EventEmitter<void>();
  /** Fires when `poolLens.enable`, `poolLens.rules` or `poolLens.connectionBudget` changes. */
  readonly onDidChangeAnalysisSettings = this.analysisChanged.event;
  private readonly listener: vscode.Disposable;
  /** Invalid entries already logged, so a bad setting is reported once, not on every keystroke. */
  private readonly reported = new Set<string>();

  constructor(private readonly log: Log) {
    this.listener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (ANALYSIS_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        this.reported.clear();
        this.analysisChanged.fire();
      }
    });
  }

  enable(scope?: vscode.Uri): boolean {
    return this.section(scope).get<boolean>('enable', true) !== false;
  }

  /**
   * Per-rule severities the user set in user, workspace or folder settings (the later wins), without the
   * defaults package.json declares: a rule left unset takes its severity from the project's config file,
   * else its default. Entries with an unknown rule id or severity are logged once and ignored.
   */
  rules(scope?: vscode.Uri): Partial<Record<RuleId, SeveritySetting>> {
    const inspected = this.section(scope).inspect<unknown>('rules');
    const rules: Partial<Record<RuleId, SeveritySetting>> = {};
    for (const raw of [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue]) {
      if (raw === undefined) continue;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        this.warnOnce('rules', `Setting ${CONFIG_SECTION}.rules must be an object of rule id → off/info/warning/error; using the defaults.`);
        continue;
      }
      for (const [id, value] of Object.entries(raw)) {
        if (!(RULE_IDS as readonly string[]).includes(id)) {
          this.warnOnce(`rule:${id}`, `Setting ${CONFIG_SECTION}.rules names an unknown rule '${id}'; known rules: ${RULE_IDS.join(', ')}.`);
        } else if (typeof value !== 'string' || !SEVERITY_SETTINGS.includes(value)) {
          this.warnOnce(`severity:${id}:${String(value)}`, `Setting ${CONFIG_SECTION}.rules.${id} must be off, info, warning or error; using the rule's default.`);
        } else {
          rules[id as RuleId] = value as SeveritySetting;
        }
      }
    }
    return rules;
  }

  /** Options of the rules that take any: `poolLens.connectionBudget` for pool-config; a bad value is logged once and left out. */
  ruleOptions(scope?: vscode.Uri): RuleOptions {
    const budget = this.section(scope).get<unknown>('connectionBudget', null);
    if (budget === null || budget === undefined) return {};
    if (typeof budget === 'number' && Number.isInteger(budget) && budget >= 1) return { 'pool-config': { connectionBudget: budget } };
    this.warnOnce(`connectionBudget:${String(budget)}`, `Setting ${CONFIG_SECTION}.connectionBudget must be a whole number of connections (1 or more); the budget check is off.`);
    return {};
  }

  /** Milliseconds to wait after the last keystroke before analysing a document. */
  debounceMs(scope?: vscode.Uri): number {
    const value = this.section(scope).get<number>('debounceMs', DEFAULT_DEBOUNCE_MS);
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_DEBOUNCE_MS;
  }

  /** `poolLens.pools`, unvalidated: `resolveDomains` checks each entry and says what is wrong with it. */
  pools(): unknown {
    return this.section(undefined).get<unknown>('pools', []);
  }

  /** `.env` files read for `envPrefix` pools, relative to the workspace folder. */
  envFiles(): string[] {
    const value = this.section(undefined).get<unknown>('envFiles', LIVE_DEFAULTS.envFiles);
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
    this.warnOnce('envFiles', `Setting ${CONFIG_SECTION}.envFiles must be a list of file names; using ${JSON.stringify(LIVE_DEFAULTS.envFiles)}.`);
    return [...LIVE_DEFAULTS.envFiles];
  }

  refreshIntervalMs(): number {
    return this.milliseconds('refreshIntervalMs', LIVE_DEFAULTS.refreshIntervalMs);
  }

  idleInTransactionWarnMs(): number {
    return this.milliseconds('idleInTransactionWarnMs', LIVE_DEFAULTS.idleInTransactionWarnMs);
  }

  longQueryWarnMs(): number {
    return this.milliseconds('longQueryWarnMs', LIVE_DEFAULTS.longQueryWarnMs);
  }

  idleCheckoutWarnMs(): number {
    return this.milliseconds('idleCheckoutWarnMs', LIVE_DEFAULTS.idleCheckoutWarnMs);
  }

  /** `poolLens.checkoutWarnMs`: a checkout the app holds this long is listed under its pool in the Pools view. */
  checkoutWarnMs(): number {
    return this.milliseconds('checkoutWarnMs', LIVE_DEFAULTS.checkoutWarnMs);
  }

  /** `poolLens.sizing.instances`: processes running a pool at once, one number for all or per pool name; default 1. */
  sizingInstances(domain: string): number {
    const value = this.section(undefined).get<unknown>('sizing.instances', 1);
    const raw = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[domain] : value;
    return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 ? raw : 1;
  }

  /** `poolLens.sizing.headroom`: slots kept free for admin sessions; undefined means the sizing default. */
  sizingHeadroom(): number | undefined {
    return this.wholeNumber('sizing.headroom', 0);
  }

  /** `poolLens.sizing.cores`: the database server's physical cores, when the user knows them. */
  sizingCores(): number | undefined {
    return this.wholeNumber('sizing.cores', 1);
  }

  dispose(): void {
    this.listener.dispose();
    this.analysisChanged.dispose();
  }

  private section(scope: vscode.Uri | undefined): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  }

  private wholeNumber(name: string, min: number): number | undefined {
    const value = this.section(undefined).get<unknown>(name);
    return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : undefined;
  }

  private milliseconds(name: string, fallback: number): number {
    const value = this.section(undefined).get<unknown>(name, fallback);
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    this.warnOnce(name, `Setting ${CONFIG_SECTION}.${name} must be a number of milliseconds; using ${fallback}.`);
    return fallback;
  }

  private warnOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log.warn(message);
  }
}
