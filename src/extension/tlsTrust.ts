import type { TlsSettings } from '../pg/tls';

/**
 * Whether the monitor's connection checks the server's certificate, in words for the Pools view. The
 * modes mean what `sslAttempts` (src/pg/tls.ts) does with them: only `verify-ca`, `verify-full` and
 * `require` with a CA file verify the certificate; `disable` sends nothing encrypted; every other mode
 * encrypts when it can but accepts any certificate, so a man in the middle would go unnoticed.
 */
export interface TlsTrust {
  /** Short, for the server node's description; undefined when the certificate is verified. */
  marker?: string;
  /** One sentence for the tooltip, naming the setting to change. */
  sentence: string;
}

export function tlsTrust(tls: TlsSettings): TlsTrust {
  const setting = tls.modeSource ? `sslmode '${tls.mode}' (${tls.modeSource})` : `sslmode '${tls.mode}' (the default)`;
  switch (tls.mode) {
    case 'verify-full':
      return { sentence: `TLS verified: the certificate and the host name are checked (${setting}).` };
    case 'verify-ca':
      return { sentence: `TLS verified: the certificate is checked against the CA, the host name is not (${setting}).` };
    case 'require':
      if (tls.rootCertPath) return { sentence: `TLS verified: the certificate is checked against the CA, the host name is not (${setting} with a CA file).` };
      return unverified(setting);
    case 'disable':
      return { marker: 'not encrypted', sentence: `Not encrypted: ${setting} sends everything, the password included, in plain text. Use verify-full to encrypt and check the certificate.` };
    case 'allow':
    case 'prefer':
      // These may also end in plain text when the server offers no TLS; the monitor does not tell which.
      return unverified(setting, ' the connection is encrypted only if the server offers TLS, and');
    case 'no-verify':
      return unverified(setting);
  }
}

function unverified(setting: string, fallback = ''): TlsTrust {
  return {
    marker: 'TLS not verified',
    sentence: `TLS not verified: with ${setting}${fallback} the server's certificate is not checked. Use verify-full (with a CA file if the server's certificate is not signed by a public CA) to check it.`,
  };
}
