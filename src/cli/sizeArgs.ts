import { UsageError } from './args';

export const SIZE_USAGE =
  'usage: pool-lens size --max-connections N --instances N [--reserved N] [--headroom N] [--cores N] [--spindles N] [--serverless] [--pool name[=max]]...';

export interface SizeArgs {
  help: boolean;
  maxConnections: number;
  /** Instances of every pool (a pool given as `name=max` uses the same count). */
  instances: number;
  /** Slots no application may use: superuser_reserved_connections + reserved_connections (default 3, PostgreSQL's default). */
  reserved: number;
  headroom: number | undefined;
  cores: number | undefined;
  spindles: number | undefined;
  serverless: boolean;
  /** Pools by name with their current max, when given. */
  pools: Array<{ name: string; currentMax: number | undefined }>;
}

const POSTGRES_DEFAULT_SUPERUSER_RESERVED = 3;

/** Parses `size` arguments (`--flag N` or `--flag=N`); throws a UsageError with one sentence. */
export function parseSizeArgs(argv: readonly string[]): SizeArgs {
  const numbers = new Map<string, number>();
  const pools: SizeArgs['pools'] = [];
  let help = false;
  let serverless = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--serverless') {
      serverless = true;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const numeric = ['--max-connections', '--instances', '--reserved', '--headroom', '--cores', '--spindles'];
    if (flag === '--pool') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError('--pool needs a value such as blog=20.');
      pools.push(parsePool(value));
    } else if (numeric.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, e.g. ${flag} 4${value === undefined ? '' : `, not '${value}'`}.`);
      numbers.set(flag, Number(value));
    } else {
      throw new UsageError(`unknown argument '${arg}'.`);
    }
  }
  const result: SizeArgs = {
    help,
    maxConnections: numbers.get('--max-connections') ?? 0,
    instances: numbers.get('--instances') ?? 0,
    reserved: numbers.get('--reserved') ?? POSTGRES_DEFAULT_SUPERUSER_RESERVED,
    headroom: numbers.get('--headroom'),
    cores: numbers.get('--cores'),
    spindles: numbers.get('--spindles'),
    serverless,
    pools,
  };
  if (help) return result;
  if (!numbers.has('--max-connections')) throw new UsageError('give the server\'s max_connections with --max-connections N.');
  if (!numbers.has('--instances')) throw new UsageError('give the number of app instances with --instances N.');
  if (result.maxConnections < 1) throw new UsageError('--max-connections must be at least 1.');
  if (result.instances < 1) throw new UsageError('--instances must be at least 1.');
  if (result.cores === 0) throw new UsageError('--cores must be at least 1.');
  const names = new Set<string>();
  for (const pool of pools) {
    if (names.has(pool.name)) throw new UsageError(`pool '${pool.name}' is given twice.`);
    names.add(pool.name);
  }
  return result;
}

function parsePool(value: string): { name: string; currentMax: number | undefined } {
  const match = /^([^=\s]+)(?:=(\d+))?$/.exec(value);
  if (!match || match[2] === '0') throw new UsageError(`--pool takes name or name=max with a whole max of at least 1, not '${value}'.`);
  return { name: match[1], currentMax: match[2] === undefined ? undefined : Number(match[2]) };
}
