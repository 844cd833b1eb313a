import { parseEnvFile } from './envFile';
import { findPgpassPassword, parsePgpass } from './pgpass';
import { isSslMode, SSL_MODES, type TlsSettings } from './tls';

/**
 * Domain pools: the `poolLens.pools` setting resolved into connection configs. Pure: the caller reads
 * the `.env` files, the environment and `~/.pgpass` (see `domainSources.ts`) and passes their text.
 * Passwords never come from settings; they are returned apart from the configs so that a config can be
 * shown, logged or serialised without leaking one.
 */

/** One entry of `poolLens.pools`. `applicationName` tells domains apart when they share a database. */
export type DomainSetting =
  | { name: string; envPrefix: string; applicationName?: string }
  | { name: string; connectionString: string; applicationName?: string };

export interface DomainSources {
  /** The raw `poolLens.pools` value; it is validated here. */
  pools: unknown;
  /** The `.env` files (`poolLens.envFiles`), in order: a later file overrides an earlier one. */
  envFiles?: ReadonlyArray<{ name: string; text: string }>;
  /** The process environment; it overrides every `.env` file, as dotenv does. */
  env: Readonly<Record<string, string | undefined>>;
  /** The text of `~/.pgpass` (or `PGPASSFILE`), when there is one. */
  pgpassText?: string;
  /** Passwords the user supplied (the editor keeps them in SecretStorage), by domain name. */
  secrets?: ReadonlyMap<string, string>;
}

export type PasswordSource = 'environment' | 'env-file' | 'pgpass' | 'secret';

/** Everything needed to connect for one domain, except the password. */
export interface DomainConfig {
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  tls: TlsSettings;
  applicationName?: string;
  /** The `envPrefix` the domain was configured with, when it was. */
  envPrefix?: string;
  /** Where the password came from; undefined when none was found. */
  passwordSource?: PasswordSource;
  /** No password was found: the editor should ask for one (once) and pass it as a secret. */
  needsPassword: boolean;
  /** The settings the password is looked up in, for the "password required" message. */
  passwordSources: string[];
  /** The settings that name the TLS mode and CA file, for messages. */
  sslModeSource?: string;
  rootCertSetting: string;
}

export type DomainResolution = { name: string; ok: true; config: DomainConfig } | { name: string; ok: false; error: string };

export interface ResolvedDomains {
  domains: DomainResolution[];
  /** Passwords by domain name, kept apart from the configs on purpose. */
  passwords: Map<string, string>;
  /** Sentences about the settings as a whole (not a list, a malformed `.env` line …). */
  warnings: string[];
}

interface Lookup {
  value: string;
  /** The variable name and where it was found, e.g. `BLOG_DB_HOST in .env`. */
  label: string;
  fromEnvironment: boolean;
}

const DEFAULT_PORT = 5432;

export function resolveDomains(sources: DomainSources): ResolvedDomains {
  const warnings: string[] = [];
  const envFiles = loadEnvFiles(sources.envFiles ?? [], warnings);
  const pgpass = sources.pgpassText === undefined ? [] : parsePgpass(sources.pgpassText);
  const context: Context = {
    env: sources.env,
    envFiles,
    envFileNames: (sources.envFiles ?? []).map((f) => f.name),
    pgpass,
    secrets: sources.secrets,
    warnings,
  };
  const passwords = new Map<string, string>();
  const domains: DomainResolution[] = [];
  const seen = new Set<string>();

  const settings = readSettings(sources.pools, warnings);
  settings.forEach((entry, index) => {
    const label = entry.name || `#${index + 1}`;
    if (entry.setting === undefined) return domains.push({ name: label, ok: false, error: `Pool '${label}' in poolLens.pools ${entry.problem}` });
    if (seen.has(entry.name)) return domains.push({ name: label, ok: false, error: `Pool '${label}' appears twice in poolLens.pools; give each pool its own name.` });
    seen.add(entry.name);
    const result = 'envPrefix' in entry.setting ? fromEnvPrefix(entry.setting, context) : fromConnectionString(entry.setting, context);
    if (typeof result === 'string') return domains.push({ name: entry.name, ok: false, error: result });
    if (result.password !== undefined) passwords.set(entry.name, result.password);
    domains.push({ name: entry.name, ok: true, config: result.config });
  });
  return { domains, passwords, warnings };
}

/** The successfully resolved configs, for callers that report failures separately. */
export function resolvedConfigs(resolved: ResolvedDomains): DomainConfig[] {
  return resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
}

interface Context {
  env: Readonly<Record<string, string | undefined>>;
  envFiles: Map<string, { value: string; file: string }>;
  envFileNames: string[];
  pgpass: ReturnType<typeof parsePgpass>;
  secrets: ReadonlyMap<string, string> | undefined;
  warnings: string[];
}

interface Resolved {
  config: DomainConfig;
  password?: string;
}

type SettingEntry = { name: string; setting: DomainSetting; problem?: undefined } | { name: string; problem: string; setting?: undefined };

function readSettings(pools: unknown, warnings: string[]): SettingEntry[] {
  if (pools === undefined || pools === null) return [];
  if (!Array.isArray(pools)) {
    warnings.push('poolLens.pools must be a list of { "name", "envPrefix" } or { "name", "connectionString" } entries; it is ignored.');
    return [];
  }
  return pools.map((raw): SettingEntry => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    if (typeof raw !== 'object' || Array.isArray(raw)) return { name, problem: 'is not an object; write { "name": "blog", "envPrefix": "BLOG_DB_" }.' };
    if (name === '') return { name, problem: 'has no "name"; give it one, e.g. "blog".' };
    const applicationName = typeof entry.applicationName === 'string' && entry.applicationName !== '' ? entry.applicationName : undefined;
    const hasPrefix = typeof entry.envPrefix === 'string' && entry.envPrefix !== '';
    const hasUrl = typeof entry.connectionString === 'string' && entry.connectionString !== '';
    if (hasPrefix === hasUrl) return { name, problem: 'needs exactly one of "envPrefix" (e.g. "BLOG_DB_") or "connectionString".' };
    const setting: DomainSetting = hasPrefix
      ? { name, envPrefix: entry.envPrefix as string, applicationName }
      : { name, connectionString: entry.connectionString as string, applicationName };
    return { name, setting };
  });
}

function loadEnvFiles(files: ReadonlyArray<{ name: string; text: string }>, warnings: string[]): Map<string, { value: string; file: string }> {
  const merged = new Map<string, { value: string; file: string }>();
  for (const file of files) {
    const { values, badLines } = parseEnvFile(file.text);
    if (badLines.length > 0) warnings.push(`${file.name}: line${badLines.length > 1 ? 's' : ''} ${badLines.join(', ')} ${badLines.length > 1 ? 'are' : 'is'} not KEY=VALUE and ${badLines.length > 1 ? 'were' : 'was'} skipped.`);
    for (const [key, value] of values) merged.set(key, { value, file: file.name });
  }
  return merged;
}

function lookup(context: Context, name: string): Lookup | undefined {
  const fromEnv = context.env[name];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, label: `${name} in the environment`, fromEnvironment: true };
  const fromFile = context.envFiles.get(name);
  if (fromFile !== undefined && fromFile.value !== '') return { value: fromFile.value, label: `${name} in ${fromFile.file}`, fromEnvironment: false };
  return undefined;
}

/** The first of `names` that is set, e.g. `BLOG_DB_HOST` then `PGHOST`. */
function first(context: Context, ...names: string[]): Lookup | undefined {
  for (const name of names) {
    const found = lookup(context, name);
    if (found) return found;
  }
  return undefined;
}

function whereLooked(context: Context): string {
  return ['the environment', ...context.envFileNames].join(' or ');
}

function fromEnvPrefix(setting: Extract<DomainSetting, { envPrefix: string }>, context: Context): Resolved | string {
  const p = setting.envPrefix;
  const pool = `Pool '${setting.name}'`;
  const host = first(context, `${p}HOST`, 'PGHOST');
  const port = first(context, `${p}PORT`, 'PGPORT');
  const database = first(context, `${p}NAME`, `${p}DATABASE`, 'PGDATABASE');
  const user = first(context, `${p}USER`, 'PGUSER');
  const missing = [
    host ? undefined : `${p}HOST`,
    database ? undefined : `${p}NAME`,
    user ? undefined : `${p}USER`,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    const list = missing.length === 1 ? `${missing[0]} is` : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]} are`;
    return `${pool}: ${list} not set in ${whereLooked(context)}.`;
  }
  return finish(setting.name, setting.applicationName, context, {
    host: host!.value,
    port,
    database: database!.value,
    user: user!.value,
    sslmode: first(context, `${p}SSLMODE`, 'PGSSLMODE'),
    rootCert: first(context, `${p}SSLROOTCERT`, 'PGSSLROOTCERT'),
    password: first(context, `${p}PASSWORD`, 'PGPASSWORD'),
    passwordNames: [`${p}PASSWORD`, 'PGPASSWORD'],
    rootCertSetting: `${p}SSLROOTCERT`,
    envPrefix: p,
  });
}

function fromConnectionString(setting: Extract<DomainSetting, { connectionString: string }>, context: Context): Resolved | string {
  const pool = `Pool '${setting.name}'`;
  let url: URL;
  try {
    url = new URL(setting.connectionString);
  } catch {
    return `${pool}: the connectionString is not a postgres:// URL.`;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return `${pool}: the connectionString must start with postgres:// or postgresql://.`;
  const fixed = (name: string, value: string | null | undefined): Lookup | undefined =>
    value ? { value, label: `${name} in the connectionString`, fromEnvironment: false } : undefined;
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const host = fixed('host', url.searchParams.get('host') ?? decode(url.hostname).replace(/^\[(.*)\]$/, '$1')) ?? first(context, 'PGHOST');
  const database = fixed('database', decode(url.pathname.replace(/^\//, ''))) ?? first(context, 'PGDATABASE');
  const user = fixed('user', decode(url.username)) ?? first(context, 'PGUSER');
  if (!database || !user) {
    const what = [database ? undefined : 'a database (the path)', user ? undefined : 'a user'].filter(Boolean).join(' and ');
    return `${pool}: the connectionString names no ${what}, and PG${database ? 'USER' : 'DATABASE'} is not set either.`;
  }
  // A password written into settings would be synced and shared with the workspace, so it is never used.
  const ignoredPassword = url.password !== '';
  const resolved = finish(setting.name, setting.applicationName ?? url.searchParams.get('application_name') ?? undefined, context, {
    host: host?.value ?? 'localhost',
    port: fixed('port', url.port || url.searchParams.get('port')) ?? first(context, 'PGPORT'),
    database: database.value,
    user: user.value,
    sslmode: fixed('sslmode', url.searchParams.get('sslmode')) ?? first(context, 'PGSSLMODE'),
    rootCert: fixed('sslrootcert', url.searchParams.get('sslrootcert')) ?? first(context, 'PGSSLROOTCERT'),
    password: first(context, 'PGPASSWORD'),
    passwordNames: ['PGPASSWORD'],
    rootCertSetting: 'sslrootcert in the connectionString',
  });
  if (ignoredPassword && typeof resolved !== 'string') {
    if (resolved.password === undefined) {
      return `${pool}: the connectionString in settings contains a password, which Pool Lens never reads from settings; remove it and set PGPASSWORD or ~/.pgpass, or enter it when asked.`;
    }
    context.warnings.push(`${pool}: the connectionString in settings contains a password; it was ignored (settings are synced and shared). Remove it.`);
  }
  return resolved;
}

interface Parts {
  host: string;
  port: Lookup | undefined;
  database: string;
  user: string;
  sslmode: Lookup | undefined;
  rootCert: Lookup | undefined;
  password: Lookup | undefined;
  passwordNames: string[];
  rootCertSetting: string;
  envPrefix?: string;
}

function finish(name: string, applicationName: string | undefined, context: Context, parts: Parts): Resolved | string {
  const pool = `Pool '${name}'`;
  let port = DEFAULT_PORT;
  if (parts.port) {
    port = Number(parts.port.value);
    if (!/^\d+$/.test(parts.port.value.trim()) || port < 1 || port > 65535) {
      return `${pool}: ${parts.port.label} is '${parts.port.value}', which is not a port number (1-65535).`;
    }
  }
  const mode = parts.sslmode?.value.trim().toLowerCase() ?? 'prefer';
  if (!isSslMode(mode)) {
    return `${pool}: ${parts.sslmode!.label} is '${parts.sslmode!.value}'; use one of ${SSL_MODES.join(', ')}.`;
  }
  const tls: TlsSettings = { mode, ...(parts.rootCert ? { rootCertPath: parts.rootCert.value } : {}), ...(parts.sslmode ? { modeSource: parts.sslmode.label } : {}) };

  let password: string | undefined;
  let passwordSource: PasswordSource | undefined;
  if (parts.password) {
    password = parts.password.value;
    passwordSource = parts.password.fromEnvironment ? 'environment' : 'env-file';
  } else {
    const fromPgpass = findPgpassPassword(context.pgpass, { host: parts.host, port, database: parts.database, user: parts.user });
    if (fromPgpass !== undefined) {
      password = fromPgpass;
      passwordSource = 'pgpass';
    } else if (context.secrets?.has(name)) {
      password = context.secrets.get(name);
      passwordSource = 'secret';
    }
  }
  const config: DomainConfig = {
    name,
    host: parts.host,
    port,
    database: parts.database,
    user: parts.user,
    tls,
    ...(applicationName ? { applicationName } : {}),
    ...(parts.envPrefix ? { envPrefix: parts.envPrefix } : {}),
    ...(passwordSource ? { passwordSource } : {}),
    needsPassword: password === undefined,
    passwordSources: [...parts.passwordNames, '~/.pgpass', 'the saved password'],
    ...(parts.sslmode ? { sslModeSource: parts.sslmode.label } : {}),
    rootCertSetting: parts.rootCertSetting,
  };
  return { config, ...(password !== undefined ? { password } : {}) };
}

/** `host:port`, the key that groups domains living on the same physical server. */
export function serverKey(config: Pick<DomainConfig, 'host' | 'port'>): string {
  const host = config.host.includes(':') && !config.host.startsWith('/') ? `[${config.host}]` : config.host;
  return `${host}:${config.port}`;
}
