import { UsageError } from './args';

export const INSPECT_USAGE = 'usage: pool-lens inspect [--config <settings.json>] [--format text|json]';
export const INSPECT_FORMATS = ['text', 'json'] as const;
export type InspectFormat = (typeof INSPECT_FORMATS)[number];

export interface InspectArgs {
  config: string | undefined;
  format: InspectFormat;
  help: boolean;
}

export function parseInspectArgs(argv: readonly string[]): InspectArgs {
  const result: InspectArgs = { config: undefined, format: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      result.help = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = arg.startsWith('--') && equals > 0 ? arg.slice(0, equals) : arg;
    const inline = flag === arg ? undefined : arg.slice(equals + 1);
    if (flag === '--config') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError('--config needs a settings file, e.g. --config .vscode/settings.json.');
      result.config = value;
    } else if (flag === '--format') {
      const value = inline ?? argv[++i];
      if (!(INSPECT_FORMATS as readonly (string | undefined)[]).includes(value)) {
        throw new UsageError(value === undefined ? '--format needs a value: text or json.' : `unknown format '${value}'; use text or json.`);
      }
      result.format = value as InspectFormat;
    } else {
      throw new UsageError(`unknown argument '${arg}'.`);
    }
  }
  return result;
}
