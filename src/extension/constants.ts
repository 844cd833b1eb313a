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
} as const;

/** Commands a user does not call from the Command Palette (code actions and views call them). */
export const INTERNAL_COMMANDS: readonly string[] = [CommandId.showRuleDocs];

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
