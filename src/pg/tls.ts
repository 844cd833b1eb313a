import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

/**
 * libpq's `sslmode` values, plus node-postgres's `no-verify` (encrypt, never verify). When no sslmode is
 * set anywhere the mode is `prefer` without a `modeSource`, and Pool Lens makes it safer than libpq's:
 * TLS with the certificate verified when the server offers TLS, plain TCP only when it offers none (see
 * `sslAttempts`). Verification is off only when the user names a mode that skips it.
 */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'no-verify', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export function isSslMode(value: string): value is SslMode {
  return (SSL_MODES as readonly string[]).includes(value);
}

/** What a domain asked for; the CA file is read only when a connection is made. */
export interface TlsSettings {
  mode: SslMode;
  /** A PEM file with the CA that signed the server's certificate, or `system` for the machine's CAs. */
  rootCertPath?: string;
  /** The setting the mode came from (e.g. `BLOG_DB_SSLMODE`), for messages; undefined when defaulted. */
  modeSource?: string;
}

/** The `ssl` value node-postgres takes: `false` for plain TCP, or Node's TLS options. */
export type PgSsl = false | ConnectionOptions;

/**
 * The `ssl` configurations to try, in order. libpq's `prefer` and `allow` fall back between TLS and
 * plain TCP; node-postgres cannot, so the caller tries each entry while the server refuses the
 * previous one (see `isTlsNegotiationRefusal`). Verification follows libpq, not node-postgres's old
 * aliasing of every mode to verify-full: only `verify-ca`/`verify-full` check the certificate, except
 * that `require` with an explicit CA file behaves like `verify-ca`, as in libpq, and that an unset mode
 * checks it whenever TLS is used.
 *
 * `readCa` reads the CA file; it throws with a clear sentence when it cannot.
 */
export function sslAttempts(settings: TlsSettings, host: string, readCa: (path: string) => string): PgSsl[] {
  const encryptOnly: ConnectionOptions = { rejectUnauthorized: false };
  switch (settings.mode) {
    case 'disable':
      return [false];
    case 'allow':
      return [false, encryptOnly];
    case 'prefer':
      // Unset: verify what the server offers. Set explicitly: libpq's prefer, which accepts any certificate.
      return settings.modeSource === undefined ? [verifyFull(settings, host, readCa), false] : [encryptOnly, false];
    case 'no-verify':
      return [encryptOnly];
    case 'require':
      return [settings.rootCertPath ? verifyCa(settings, readCa) : encryptOnly];
    case 'verify-ca':
      return [verifyCa(settings, readCa)];
    case 'verify-full':
      return [verifyFull(settings, host, readCa)];
  }
}

/** Verifies the chain and that the certificate names the host. */
function verifyFull(settings: TlsSettings, host: string, readCa: (path: string) => string): ConnectionOptions {
  return { ...trustedRoots(settings, readCa), rejectUnauthorized: true, ...(isIP(host) ? {} : { servername: host }) };
}

/** Verifies the chain but not the host name, which is what verify-ca means. */
function verifyCa(settings: TlsSettings, readCa: (path: string) => string): ConnectionOptions {
  return { ...trustedRoots(settings, readCa), rejectUnauthorized: true, checkServerIdentity: () => undefined };
}

function trustedRoots(settings: TlsSettings, readCa: (path: string) => string): ConnectionOptions {
  const path = settings.rootCertPath;
  return path === undefined || path === 'system' ? {} : { ca: readCa(path) };
}

/**
 * Whether a failed attempt means "the server wants the other kind of connection", so the next entry of
 * `sslAttempts` should be tried: the server does not speak TLS, or pg_hba.conf refuses unencrypted
 * connections.
 */
export function isTlsNegotiationRefusal(error: unknown): boolean {
  const detail = error as { message?: unknown; code?: unknown };
  const message = typeof detail?.message === 'string' ? detail.message : '';
  return (
    message.includes('does not support SSL connections') ||
    (detail?.code === '28000' && /no encryption/i.test(message))
  );
}
