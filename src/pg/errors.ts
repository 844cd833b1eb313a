/**
 * Turns what pg and Node throw into one sentence a user can act on. Messages name the server, the
 * database and the user, never the password.
 */

export type ProblemKind =
  | 'refused'
  | 'host-not-found'
  | 'timeout'
  | 'password-required'
  | 'wrong-password'
  | 'not-allowed'
  | 'tls-required'
  | 'database-missing'
  | 'tls-untrusted'
  | 'tls-wrong-host'
  | 'tls-unsupported'
  | 'tls-other'
  | 'too-many-connections'
  | 'server-stopping'
  | 'connection-lost'
  | 'permission-denied'
  | 'query-timeout'
  | 'config'
  | 'other';

/** Where a connection was going, for the wording of messages. */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** The setting that chose the TLS mode (e.g. `BLOG_DB_SSLMODE`), when there was one. */
  sslModeSource?: string;
  /** Where a CA file can be named (e.g. `BLOG_DB_SSLROOTCERT`). */
  rootCertSetting?: string;
  /** Where the password is looked for, listed in the "password required" message. */
  passwordSources?: string[];
}

/** An error whose message is already a sentence for the user. */
export class PgProblem extends Error {
  override readonly name = 'PgProblem';
  constructor(
    readonly kind: ProblemKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Thrown by the monitor's password callback when the server asks for a password nobody supplied. */
export class PasswordRequired extends Error {
  override readonly name = 'PasswordRequired';
  constructor() {
    super('password required');
  }
}

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * One sentence for a connection or query failure. `secrets` are scrubbed from any text passed through
 * from the server or the driver, in case one ended up in it.
 */
export function describeError(error: unknown, target: ConnectionTarget, secrets: readonly string[] = []): PgProblem {
  if (error instanceof PgProblem) return error;
  const detail = (error ?? {}) as { code?: unknown; message?: unknown; cause?: unknown };
  const code = typeof detail.code === 'string' ? detail.code : undefined;
  const message = typeof detail.message === 'string' ? detail.message : String(error);
  const server = `${target.host}:${target.port}`;
  const problem = (kind: ProblemKind, text: string) => new PgProblem(kind, scrub(text, secrets), code);

  if (error instanceof PasswordRequired || /client password must be a (non-empty )?string/.test(message)) {
    const sources = target.passwordSources?.length ? target.passwordSources.join(', ') : 'the environment or ~/.pgpass';
    return problem('password-required', `${server} asks for a password for user '${target.user}' and none was found (looked in ${sources}).`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return problem('refused', `Cannot connect to ${server} because the connection was refused: is PostgreSQL running and listening on that port?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return problem('host-not-found', `Cannot find the host '${target.host}': the name does not resolve; check the host setting.`);
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return problem('timeout', `Cannot reach ${server} (${code}); check the host, the port and any firewall or VPN in between.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return problem('connection-lost', `The connection to ${server} was reset (did the server restart?); Pool Lens reconnects on the next refresh.`);
    case '28P01':
      return problem('wrong-password', `${server} rejected the password for user '${target.user}'; update the saved password or the one in the environment.`);
    case '28000':
      if (/no encryption/i.test(message)) {
        return problem('tls-required', `${server} accepts user '${target.user}' on database '${target.database}' only over TLS${viaSetting(target)}: set the sslmode to require or verify-full.`);
      }
      return problem('not-allowed', `${server} has no pg_hba.conf entry that lets user '${target.user}' connect to database '${target.database}' from this machine; ask for access or check the user and the database.`);
    case '3D000':
      return problem('database-missing', `The database '${target.database}' does not exist on ${server}; check the database name.`);
    case '53300':
      return problem('too-many-connections', `${server} has no free connection slots left (max_connections reached); the monitor could not get one.`);
    case '57P01':
    case '57P02':
    case '57P03':
      return problem('server-stopping', `${server} is shutting down or starting up; Pool Lens reconnects when it is back.`);
    case '57014':
      return problem('query-timeout', `A monitoring query on ${server} hit the statement timeout and was cancelled; the server may be overloaded.`);
    case '42501':
      return problem('permission-denied', `User '${target.user}' is not allowed to do that on ${server}: ${firstLine(message)}.`);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return problem('tls-wrong-host', `The TLS certificate of ${server} is not issued for the name '${target.host}'; connect with the name on the certificate, or use sslmode verify-ca.`);
    case 'CERT_HAS_EXPIRED':
      return problem('tls-other', `The TLS certificate of ${server} has expired.`);
  }
  if (code !== undefined && TLS_UNTRUSTED.has(code)) {
    const ca = target.rootCertSetting ? `name its CA file in ${target.rootCertSetting}` : 'name its CA file (sslrootcert)';
    return problem('tls-untrusted', `The TLS certificate of ${server} is not signed by a trusted CA (self-signed or private CA): ${ca}, or set sslmode to require to encrypt without verifying.`);
  }
  if (message.includes('does not support SSL connections')) {
    return problem('tls-unsupported', `${server} does not accept TLS connections, but the sslmode${viaSetting(target)} requires TLS: enable ssl on the server or set sslmode to prefer or disable.`);
  }
  if (/connection timeout|timeout expired|timeout exceeded/i.test(message)) {
    return problem('timeout', `Timed out connecting to ${server}; check the host, the port and any firewall or VPN in between.`);
  }
  if (/Connection terminated/i.test(message)) {
    return problem('connection-lost', `The connection to ${server} was lost (did the server stop?); Pool Lens reconnects on the next refresh.`);
  }
  return problem('other', `${server}: ${firstLine(message)}${/[.!?]$/.test(firstLine(message)) ? '' : '.'}`);
}

function viaSetting(target: ConnectionTarget): string {
  return target.sslModeSource ? ` (${target.sslModeSource})` : '';
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('***');
  return result;
}
