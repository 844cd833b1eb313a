/**
 * Names the extension shares with package.json. No `vscode` import here, so the manifest test can check
 * package.json against these under plain mocha.
 */
export const CONFIG_SECTION = 'poolLens';
export const COMMAND_CATEGORY = 'Pool Lens';
export const DIAGNOSTIC_SOURCE = 'pool-lens';
export const OUTPUT_CHANNEL_NAME = 'Pool Lens';

/** Every command the extension registers, by id. */
export const CommandId = {
  /** Internal (hidden from the palette): opens a rule's documentation; argument: the rule id. */
  showRuleDocs: 'poolLens.showRuleDocs',
  inspectPools: 'poolLens.inspectPools',
  refreshPools: 'poolLens.refreshPools',
  openSizingCalculator: 'poolLens.openSizingCalculator',
  setPassword: 'poolLens.setPassword',
  forgetPassword: 'poolLens.forgetPassword',
  /** Internal: the Pools view's context menu on a session. */
  copyQuery: 'poolLens.copyQuery',
  cancelQuery: 'poolLens.cancelQuery',
  terminateSession: 'poolLens.terminateSession',
  /** Internal: the "Show more" item of a large group of sessions; argument: the group's node. */
  showMoreSessions: 'poolLens.showMoreSessions',
  /** Internal: a checkout node of the Pools view; arguments: absolute file, 1-based line and column. */
  openCheckout: 'poolLens.openCheckout',
} as const;

/** Commands a user does not call from the Command Palette (code actions and views call them). */
export const INTERNAL_COMMANDS: readonly string[] = [
  CommandId.showRuleDocs,
  CommandId.copyQuery,
  CommandId.cancelQuery,
  CommandId.terminateSession,
  CommandId.showMoreSessions,
  CommandId.openCheckout,
];

/** The activity-bar container and the Pools tree view. */
export const VIEW_CONTAINER_ID = 'poolLens';
export const POOLS_VIEW_ID = 'poolLens.pools';
/** Context key the Pools view's welcome content reads: `untrusted`, `unconfigured` or `live`. */
export const POOLS_STATE_CONTEXT = 'poolLens.poolsState';

/** Defaults of the live-pool settings; package.json states the same values. */
export const LIVE_DEFAULTS = {
  envFiles: ['.env'],
  refreshIntervalMs: 2000,
  idleInTransactionWarnMs: 60_000,
  longQueryWarnMs: 30_000,
  idleCheckoutWarnMs: 15_000,
  checkoutWarnMs: 10_000,
} as const;

/** Language ids whose documents are analysed, and the file extension each implies for the parser. */
export const LINTED_LANGUAGES: Readonly<Record<string, string>> = {
  javascript: '.js',
  javascriptreact: '.jsx',
  typescript: '.ts',
  typescriptreact: '.tsx',
};

/** Document schemes that are analysed: files on disk and unsaved new files. */
export const LINTED_SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled']);

export const DEFAULT_DEBOUNCE_MS = 300;
