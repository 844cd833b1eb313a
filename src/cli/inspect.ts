import * as path from 'node:path';
import { resolveDomains, type DomainConfig } from '../pg/domains';
import { DEFAULT_ENV_FILES, loadDomainSources } from '../pg/domainSources';
import { Monitor, MONITOR_DEFAULTS } from '../pg/monitor';
import { readCompanions } from '../workspace/companions';
import { candidateDomains, discoverPools } from '../workspace/poolDiscovery';
import { UsageError } from './args';
import { INSPECT_USAGE, parseInspectArgs, type InspectArgs } from './inspectArgs';
import { buildReport } from '../pg/inspectReport';
import { formatReportText } from './inspectText';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, type CliIo } from './io';
import { readSettingsFile, SettingsFileError, type PoolLensSettings } from './settingsFile';

/** What `inspect` needs from its caller; `env` defaults to the process environment. */
export type InspectIo = Pick<CliIo, 'stdout' | 'stderr' | 'cwd'> & { env?: Readonly<Record<string, string | undefined>> };

/** node-postgres closes idle clients after 10 s by default. */
const PG_DEFAULT_IDLE_TIMEOUT_MS = 10_000;
/** `poolLens.checkoutWarnMs`'s default: a checkout the app has held this long is listed. */
const CHECKOUT_WARN_MS = 10_000;
/** Grace on top of a pool's idle timeout before an idle session counts as a forgotten checkout. */
const STALE_GRACE_MS = 5_000;

/**
 * `pool-lens inspect [--config <file>] [--format text|json]`: connects to every server behind the
 * domain pools (from `poolLens.pools`, or found in the code under the current folder when that is
 * empty), takes one snapshot, and reports per server the connections used of those usable, each
 * pool's sessions by state, leaks seen now, and a recommended `max`. Never prints a password.
 *
 * Settings come from `--config <file>` or `.vscode/settings.json`; `.env` files (`poolLens.envFiles`)
 * and code are read from the current folder. Sizing reads `poolLens.sizing.instances` (a number, or
 * an object of pool name → number; default 1), `poolLens.sizing.headroom` and `poolLens.sizing.cores`.
 *
 * Exit 0: every server answered; 1: the report shows a server or pool that failed; 2: bad usage,
 * unreadable settings, or nothing to inspect.
 */
export async function runInspect(argv: readonly string[], io: InspectIo): Promise<number> {
  let args: InspectArgs;
  try {
    args = parseInspectArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`pool-lens inspect: ${error.message} Run 'pool-lens inspect --help' for the usage.\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    io.stdout(`${INSPECT_USAGE}\n`);
    return EXIT_CLEAN;
  }

  let settings: PoolLensSettings;
  try {
    settings = args.config
      ? await readSettingsFile(path.resolve(io.cwd, args.config), true)
      : await readSettingsFile(path.join(io.cwd, '.vscode', 'settings.json'), false);
  } catch (error) {
    if (!(error instanceof SettingsFileError)) throw error;
    io.stderr(`pool-lens inspect: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const discovery = await discoverPools(io.cwd);
  const configured = settings.get('pools');
  const fromSettings = Array.isArray(configured) && configured.length > 0;
  const pools = fromSettings ? configured : candidateDomains(discovery.pools);
  if (!Array.isArray(pools) || pools.length === 0) {
    io.stderr(
      `pool-lens inspect: no pools to inspect: poolLens.pools is empty and no new Pool({...}) under ${io.cwd} reads process.env.<NAME>_DB_* variables.\n`,
    );
    return EXIT_USAGE;
  }

  const env = io.env ?? process.env;
  const sources = await loadDomainSources({
    folder: io.cwd,
    pools,
    envFiles: settings.stringList('envFiles', DEFAULT_ENV_FILES),
    env,
    ...(env.HOME ? { homeDir: env.HOME } : {}),
  });
  const resolved = resolveDomains(sources);
  const configs = resolved.domains.flatMap((d) => (d.ok ? [withCodeApplicationName(d.config, discovery.pools)] : []));
  const staleAfterMs = staleThreshold(discovery.pools.map((p) => p.options.idleTimeoutMillis));

  const monitor = new Monitor(configs, resolved.passwords, { staleIdleMs: staleAfterMs });
  let snapshot;
  let companions;
  try {
    // The app's runtime companions, read at the same moment as the server.
    [snapshot, companions] = await Promise.all([monitor.snapshot(), readCompanions(io.cwd)]);
  } finally {
    await monitor.dispose();
  }

  const report = buildReport({
    source: fromSettings ? 'settings' : 'code',
    snapshot,
    resolutions: resolved.domains,
    configs,
    discovered: discovery.pools,
    instances: instancesSetting(settings),
    headroom: settings.count('sizing.headroom'),
    cores: settings.count('sizing.cores', 1),
    staleAfterMs,
    warnings: [
      ...resolved.warnings,
      ...discovery.unparsable.map((file) => `${file} does not parse; its pools were not read.`),
      ...companions.flatMap((reading) => (reading.ok ? [] : [reading.problem])),
    ],
    companions,
    checkoutWarnMs: settings.count('checkoutWarnMs') ?? CHECKOUT_WARN_MS,
  });
  io.stdout(args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report));
  const failed = report.domainErrors.length > 0 || report.servers.some((s) => s.status === 'error');
  return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}

/**
 * When the code gives a domain's pools one literal application_name, the monitor can use it to tell
 * domains apart that share a database.
 */
function withCodeApplicationName(config: DomainConfig, discovered: Awaited<ReturnType<typeof discoverPools>>['pools']): DomainConfig {
  if (config.applicationName !== undefined || config.envPrefix === undefined) return config;
  const names = new Set(
    discovered
      .filter((p) => p.domain?.envPrefix === config.envPrefix)
      .map((p) => (p.options.applicationName.kind === 'literal' ? p.options.applicationName.value : undefined)),
  );
  const [only] = names;
  return names.size === 1 && only !== undefined ? { ...config, applicationName: only } : config;
}

/** Idle longer than the longest idle timeout in the code (default 10 s) plus a grace, and never under the monitor default. */
function staleThreshold(timeouts: ReadonlyArray<{ kind: string; value?: unknown }>): number {
  let longest = PG_DEFAULT_IDLE_TIMEOUT_MS;
  for (const timeout of timeouts) {
    if (timeout.kind === 'literal' && typeof timeout.value === 'number' && timeout.value > longest) longest = timeout.value;
  }
  return Math.max(MONITOR_DEFAULTS.staleIdleMs, longest + STALE_GRACE_MS);
}

function instancesSetting(settings: PoolLensSettings): (domain: string) => number {
  const value = settings.get('sizing.instances');
  return (domain) => {
    const raw = value && typeof value === 'object' ? (value as Record<string, unknown>)[domain] : value;
    return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 ? raw : 1;
  };
}
