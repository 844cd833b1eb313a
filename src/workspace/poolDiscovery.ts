import { promises as fs } from 'node:fs';
import { lineStarts, positionOf } from '../core/lines';
import { ParseFailure } from '../core/parse';
import { findPoolOptions, type PoolOptions } from '../core/poolOptions';
import { findProjectFiles } from './sourceFiles';

/** A `new Pool(...)` found in the workspace, with where it is and the domain it suggests. */
export interface DiscoveredPool {
  /** Path relative to the folder that was searched, with forward slashes. */
  file: string;
  absolutePath: string;
  /** 1-based position of the `new Pool(...)`. */
  line: number;
  column: number;
  options: PoolOptions;
  /** The domain its `process.env.<X>_DB_*` reads point at, when they do. */
  domain: { name: string; envPrefix: string } | undefined;
}

export interface PoolDiscovery {
  pools: DiscoveredPool[];
  /** Files that do not parse (relative paths); they are skipped. */
  unparsable: string[];
}

/** `BLOG_DB_HOST` → prefix `BLOG_DB_`, name `blog`; the part before `_DB_` names the domain. */
const DOMAIN_VARIABLE = /^([A-Z][A-Z0-9_]*?)_DB_(?:HOST|PORT|NAME|DATABASE|USER|PASSWORD|SSLMODE|SSLROOTCERT)$/;

/** Walks a folder's source files (see `findProjectFiles`) and lists every pg pool they create. */
export async function discoverPools(folder: string): Promise<PoolDiscovery> {
  const { sources } = await findProjectFiles(folder);
  const pools: DiscoveredPool[] = [];
  const unparsable: string[] = [];
  for (const source of sources) {
    const text = await fs.readFile(source.absolute, 'utf8');
    // Cheap gate: only files that mention a pool constructor are parsed.
    if (!/\bPool\b/.test(text)) continue;
    const file = source.relative.split('\\').join('/');
    let found: PoolOptions[];
    try {
      found = findPoolOptions(text, source.absolute);
    } catch (error) {
      if (error instanceof ParseFailure) {
        unparsable.push(file);
        continue;
      }
      throw error;
    }
    const starts = lineStarts(text);
    for (const options of found) {
      const { line, column } = positionOf(starts, options.range[0]);
      pools.push({ file, absolutePath: source.absolute, line, column, options, domain: domainOf(options) });
    }
  }
  return { pools, unparsable };
}

/** The `<X>_DB_` prefix most of a pool's environment reads share. */
export function domainOf(options: Pick<PoolOptions, 'envReads'>): { name: string; envPrefix: string } | undefined {
  const votes = new Map<string, number>();
  for (const read of options.envReads) {
    const match = DOMAIN_VARIABLE.exec(read.name);
    if (match) votes.set(match[1], (votes.get(match[1]) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [stem, count] of votes) if (best === undefined || count > votes.get(best)!) best = stem;
  return best === undefined ? undefined : { name: best.toLowerCase().replace(/_/g, '-'), envPrefix: `${best}_DB_` };
}

/**
 * The `poolLens.pools` entries the code suggests when none are configured: one per distinct env
 * prefix, in the order the pools were found.
 */
export function candidateDomains(pools: readonly DiscoveredPool[]): Array<{ name: string; envPrefix: string }> {
  const seen = new Map<string, { name: string; envPrefix: string }>();
  for (const pool of pools) if (pool.domain && !seen.has(pool.domain.envPrefix)) seen.set(pool.domain.envPrefix, pool.domain);
  return [...seen.values()];
}
