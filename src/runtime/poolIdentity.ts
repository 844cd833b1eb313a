/**
 * What a pool's snapshot says about where it connects, taken from the options the app gave `new Pool()`.
 * Only these fields are ever read out of the options: a password, a connection string or TLS keys never
 * reach a snapshot.
 */
export interface PoolIdentity {
  database?: string;
  applicationName?: string;
  host?: string;
  port?: number;
  user?: string;
}

/** The options pg-pool keeps (`pool.options`); anything else there is ignored. */
export interface PoolOptionsLike {
  connectionString?: unknown;
  database?: unknown;
  application_name?: unknown;
  host?: unknown;
  port?: unknown;
  user?: unknown;
  max?: unknown;
}

/**
 * Explicit options win over the connection string, as in pg's ConnectionParameters; the PG* environment
 * variables fill what neither sets, as pg does when it connects. pg's last-resort defaults (localhost, the
 * OS user) are left out: a reader learns those from the server, and guessing them wrong would mismatch.
 */
export function identityOf(options: PoolOptionsLike | undefined, env: NodeJS.ProcessEnv = process.env): PoolIdentity {
  const fromUrl = typeof options?.connectionString === 'string' ? parseConnectionString(options.connectionString) : {};
  const identity: PoolIdentity = {
    database: text(options?.database) ?? fromUrl.database ?? text(env.PGDATABASE),
    applicationName: text(options?.application_name) ?? fromUrl.applicationName ?? text(env.PGAPPNAME),
    host: text(options?.host) ?? fromUrl.host ?? text(env.PGHOST),
    port: portOf(options?.port) ?? fromUrl.port ?? portOf(env.PGPORT),
    user: text(options?.user) ?? fromUrl.user ?? text(env.PGUSER),
  };
  for (const key of Object.keys(identity) as Array<keyof PoolIdentity>) {
    if (identity[key] === undefined) delete identity[key];
  }
  return identity;
}

/** `options.max`, else pg-pool's default of 10. */
export function maxOf(options: PoolOptionsLike | undefined): number {
  const max = options?.max;
  return typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : 10;
}

/** Host, port, database, user and application_name of a `postgres://` URL; the password is never read. */
export function parseConnectionString(value: string): PoolIdentity {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // pg also accepts a bare socket folder ("/var/run/postgresql mydb"); there is nothing safe to read from it.
    return {};
  }
  const params = url.searchParams;
  const decode = (part: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    host: text(params.get('host')) ?? decode(hostname),
    port: portOf(params.get('port')) ?? portOf(url.port),
    database: text(params.get('dbname')) ?? decode(url.pathname.replace(/^\//, '')),
    user: text(params.get('user')) ?? decode(url.username),
    applicationName: text(params.get('application_name')),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function portOf(value: unknown): number | undefined {
  const port = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
