import { recommendPoolSizes, type SizingResult } from '../core/sizing';
import { UsageError } from './args';
import { EXIT_CLEAN, EXIT_USAGE, type CliIo } from './io';
import { parseSizeArgs, SIZE_USAGE, type SizeArgs } from './sizeArgs';

/**
 * `pool-lens size --max-connections N --instances N [--reserved N] [--cores N] [--pool name=max]...`:
 * the per-pool `max` that fits the server, with the arithmetic behind it. `--reserved` counts every
 * slot applications cannot use (superuser_reserved_connections + reserved_connections; default 3).
 * Exit 0 with the report, 2 with one line on stderr for bad usage.
 */
export async function runSize(argv: readonly string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  let args: SizeArgs;
  try {
    args = parseSizeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`pool-lens size: ${error.message} Run 'pool-lens size --help' for the usage.\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(`${SIZE_USAGE}\n`);
    return EXIT_CLEAN;
  }
  let result: SizingResult;
  try {
    result = recommendPoolSizes({
      maxConnections: args.maxConnections,
      superuserReserved: args.reserved,
      reserved: 0,
      ...(args.headroom !== undefined ? { headroom: args.headroom } : {}),
      ...(args.cores !== undefined ? { cores: args.cores } : {}),
      ...(args.spindles !== undefined ? { spindles: args.spindles } : {}),
      serverless: args.serverless,
      pools: (args.pools.length > 0 ? args.pools : [{ name: 'app', currentMax: undefined }]).map((pool) => ({
        name: pool.name,
        instances: args.instances,
        ...(pool.currentMax !== undefined ? { currentMax: pool.currentMax } : {}),
      })),
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    io.stderr(`pool-lens size: ${error.message}\n`);
    return EXIT_USAGE;
  }
  io.stdout(formatSizing(result));
  return EXIT_CLEAN;
}

/** The sizing as text: the recommendation first, then the reasoning and the warnings. */
export function formatSizing(result: SizingResult, indent = ''): string {
  const width = Math.max(...result.recommendations.map((r) => r.name.length));
  const out: string[] = [];
  for (const r of result.recommendations) out.push(`${indent}${r.name.padEnd(width)}  max ${r.max}`);
  out.push(`${indent}reasoning:`);
  for (const line of result.lines) out.push(`${indent}  ${line}`);
  for (const warning of result.warnings) out.push(`${indent}warning: ${warning}`);
  return `${out.join('\n')}\n`;
}
