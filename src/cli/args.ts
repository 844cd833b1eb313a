/** Bad command-line usage; its message is one sentence for stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const LINT_FORMATS = ['text', 'json', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export interface LintArgs {
  paths: string[];
  format: LintFormat;
  help: boolean;
}

export const LINT_USAGE = 'usage: pool-lens lint <file|dir>... [--format text|json|sarif]';

/** Parses `lint` arguments: paths, `--format <f>` or `--format=<f>`, `--help`, and `--` before paths that start with a dash. */
export function parseLintArgs(argv: readonly string[]): LintArgs {
  const result: LintArgs = { paths: [], format: 'text', help: false };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      result.paths.push(arg);
    } else if (arg === '--') {
      onlyPaths = true;
    } else if (arg === '--help' || arg === '-h') {
      result.help = true;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
      if (value === undefined || value === '') throw new UsageError('--format needs a value: text, json or sarif.');
      if (!(LINT_FORMATS as readonly string[]).includes(value)) {
        throw new UsageError(`unknown format '${value}'; use text, json or sarif.`);
      }
      result.format = value as LintFormat;
    } else {
      throw new UsageError(`unknown option '${arg}'.`);
    }
  }
  if (!result.help && result.paths.length === 0) throw new UsageError('give at least one file or folder to lint.');
  return result;
}
