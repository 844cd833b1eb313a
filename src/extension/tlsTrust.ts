import type { TlsSettings } from '../pg/tls';

/**
 * Whether the monitor's connection checks the server's certificate, in words for the Pools view. The
 * modes mean what `sslAttempts` (src/pg/tls.ts) does with them: `verify-ca`, `verify-full`, `require`
 * with a CA file, and no sslmode at all verify the certificate; `disable` sends nothing encrypted; every
 * other mode encrypts when it can but accepts any certificate, so a man in the middle would go unnoticed.
 * `encrypted` is what the monitor's connection turned out to be, when it is connected.
 */
export interface TlsTrust {
  /** Short, for the server node's description; undefined when the certificate is verified. */
  marker?: string;
  /** One sentence for the tooltip, naming the setting to change. */
  sentence: string;
}

export function tlsTrust(tls: TlsSettings, encrypted?: boolean): TlsTrust {
  if (tls.mode === 'prefer' && tls.modeSource === undefined) return verifiedByDefault(encrypted);
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

/** No sslmode set: the certificate is verified whenever TLS is used; a server that offers none gets plain TCP. */
function verifiedByDefault(encrypted: boolean | undefined): TlsTrust {
  if (encrypted === false) {
    return {
      marker: 'not encrypted',
      sentence: 'Not encrypted: no sslmode is set and the server offers no TLS, so everything, the password included, goes in plain text. Set the sslmode to verify-full to refuse plain connections.',
    };
  }
  return { sentence: 'TLS verified when the server offers it: with no sslmode set, the certificate and the host name are checked; a server without TLS would be used in plain text (set verify-full to refuse that).' };
}
