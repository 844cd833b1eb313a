import assert from 'node:assert/strict';
import { resolveDomains, serverKey, type DomainSources } from '../../src/pg/domains';
import { parseEnvFile } from '../../src/pg/envFile';
import { findPgpassPassword, parsePgpass } from '../../src/pg/pgpass';
import { sslAttempts } from '../../src/pg/tls';
import { describeError } from '../../src/pg/errors';

const BLOG = [{ name: 'blog', envPrefix: 'BLOG_DB_' }];

function resolve(sources: Partial<DomainSources> & { pools: unknown }) {
  return resolveDomains({ env: {}, ...sources });
}

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines with quotes, comments and export', () => {
    const { values, badLines } = parseEnvFile(
      [
        '# comment',
        'export A=1',
        'B = two words  # trailing comment',
        'C="line\\nbreak # not a comment"',
        "D='$NOT_EXPANDED \\n'",
        'E=pa#ss',
        'F=',
        'G="multi',
        'line"',
        'not a pair',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(values), {
      A: '1',
      B: 'two words',
      C: 'line\nbreak # not a comment',
      D: '$NOT_EXPANDED \\n',
      E: 'pa#ss',
      F: '',
      G: 'multi\nline',
    });
    assert.deepEqual(badLines, [10]);
  });
});

describe('pgpass', () => {
  const entries = parsePgpass(['# hosts', 'db.example:5432:blog:blog_app:s3cret', 'localhost:*:*:me:pa\\:ss:with:colons', '*:*:*:*:fallback', 'short:line'].join('\n'));

  it('matches fields with * wildcards and unescapes \\:', () => {
    assert.equal(findPgpassPassword(entries, { host: 'db.example', port: 5432, database: 'blog', user: 'blog_app' }), 's3cret');
    assert.equal(findPgpassPassword(entries, { host: 'localhost', port: 6543, database: 'x', user: 'me' }), 'pa:ss:with:colons');
    assert.equal(findPgpassPassword(entries, { host: 'db.example', port: 5433, database: 'blog', user: 'blog_app' }), 'fallback');
  });
});

describe('resolveDomains', () => {
  const blogEnv = { BLOG_DB_HOST: 'db.local', BLOG_DB_PORT: '6432', BLOG_DB_NAME: 'blog', BLOG_DB_USER: 'blog_app' };

  it('reads an envPrefix from .env, with the process environment winning', () => {
    const { domains, passwords } = resolve({
      pools: BLOG,
      env: { BLOG_DB_HOST: 'from-env' },
      envFiles: [{ name: '.env', text: 'BLOG_DB_HOST=from-file\nBLOG_DB_NAME=blog\nBLOG_DB_USER=u\nBLOG_DB_PASSWORD=pw\nBLOG_DB_SSLMODE=verify-full\nBLOG_DB_SSLROOTCERT=/ca.pem' }],
    });
    assert.ok(domains[0].ok);
    const { config } = domains[0];
    assert.deepEqual(
      { host: config.host, port: config.port, database: config.database, user: config.user, tls: config.tls, passwordSource: config.passwordSource, needsPassword: config.needsPassword },
      { host: 'from-env', port: 5432, database: 'blog', user: 'u', tls: { mode: 'verify-full', rootCertPath: '/ca.pem', modeSource: 'BLOG_DB_SSLMODE in .env' }, passwordSource: 'env-file', needsPassword: false },
    );
    assert.equal(passwords.get('blog'), 'pw');
    assert.ok(!JSON.stringify(domains).includes('pw'), 'configs carry no password');
  });

  it('names every missing variable in one sentence', () => {
    const { domains } = resolve({ pools: BLOG, envFiles: [{ name: '.env', text: 'BLOG_DB_PORT=5432' }] });
    assert.deepEqual(domains, [
      { name: 'blog', ok: false, error: "Pool 'blog': BLOG_DB_HOST, BLOG_DB_NAME and BLOG_DB_USER are not set in the environment or .env." },
    ]);
  });

  it('falls back to PG* variables, then ~/.pgpass, then a supplied secret, else needs a password', () => {
    const env = { PGHOST: 'pg.local', PGDATABASE: 'blog', PGUSER: 'blog_app' };
    const viaPg = resolve({ pools: BLOG, env: { ...env, PGPASSWORD: 'pgpw' } });
    assert.ok(viaPg.domains[0].ok && viaPg.domains[0].config.host === 'pg.local');
    assert.equal(viaPg.passwords.get('blog'), 'pgpw');

    const viaPgpass = resolve({ pools: BLOG, env, pgpassText: 'pg.local:5432:blog:blog_app:frompgpass' });
    assert.ok(viaPgpass.domains[0].ok && viaPgpass.domains[0].config.passwordSource === 'pgpass');
    assert.equal(viaPgpass.passwords.get('blog'), 'frompgpass');

    const viaSecret = resolve({ pools: BLOG, env, secrets: new Map([['blog', 'typed']]) });
    assert.ok(viaSecret.domains[0].ok && viaSecret.domains[0].config.passwordSource === 'secret');

    const none = resolve({ pools: BLOG, env });
    assert.ok(none.domains[0].ok && none.domains[0].config.needsPassword);
    assert.equal(none.passwords.size, 0);
  });

  it('reads a connectionString but never a password written in settings', () => {
    const withPassword = resolve({ pools: [{ name: 'm', connectionString: 'postgres://u:inline@db:5433/market?sslmode=require&application_name=market-api' }] });
    assert.equal(withPassword.domains[0].ok, false);
    assert.match(!withPassword.domains[0].ok ? withPassword.domains[0].error : '', /contains a password, which Pool Lens never reads from settings/);
    assert.ok(!JSON.stringify(withPassword).includes('inline'));

    const clean = resolve({ pools: [{ name: 'm', connectionString: 'postgresql://u@db:5433/market?sslmode=require&application_name=market-api' }] });
    assert.ok(clean.domains[0].ok);
    const { config } = clean.domains[0];
    assert.deepEqual([config.host, config.port, config.database, config.user, config.tls.mode, config.applicationName], ['db', 5433, 'market', 'u', 'require', 'market-api']);
    assert.equal(serverKey(config), 'db:5433');
  });

  it('rejects bad entries, bad ports and unknown sslmodes with one sentence each', () => {
    const { domains, warnings } = resolve({
      pools: [{ name: 'a' }, { envPrefix: 'X_' }, { name: 'b', envPrefix: 'B_', connectionString: 'postgres://x/y' }, { name: 'blog', envPrefix: 'BLOG_DB_' }, { name: 'blog', envPrefix: 'BLOG_DB_' }, 'nope'],
      env: { ...blogEnv, BLOG_DB_PORT: 'abc' },
    });
    assert.deepEqual(
      domains.map((d) => (d.ok ? 'ok' : d.error)),
      [
        `Pool 'a' in poolLens.pools needs exactly one of "envPrefix" (e.g. "BLOG_DB_") or "connectionString".`,
        `Pool '#2' in poolLens.pools has no "name"; give it one, e.g. "blog".`,
        `Pool 'b' in poolLens.pools needs exactly one of "envPrefix" (e.g. "BLOG_DB_") or "connectionString".`,
        "Pool 'blog': BLOG_DB_PORT in the environment is 'abc', which is not a port number (1-65535).",
        "Pool 'blog' appears twice in poolLens.pools; give each pool its own name.",
        `Pool '#6' in poolLens.pools is not an object; write { "name": "blog", "envPrefix": "BLOG_DB_" }.`,
      ],
    );
    assert.deepEqual(warnings, []);
    const badMode = resolve({ pools: BLOG, env: { ...blogEnv, BLOG_DB_SSLMODE: 'sometimes' } });
    assert.match(!badMode.domains[0].ok ? badMode.domains[0].error : '', /BLOG_DB_SSLMODE in the environment is 'sometimes'; use one of disable, allow, prefer/);
    assert.deepEqual(resolve({ pools: { blog: 1 } }).warnings, ['poolLens.pools must be a list of { "name", "envPrefix" } or { "name", "connectionString" } entries; it is ignored.']);
  });
});

describe('sslAttempts', () => {
  const read = (path: string) => `PEM from ${path}`;
  it('maps libpq modes to node TLS options, verifying only when asked', () => {
    assert.deepEqual(sslAttempts({ mode: 'disable' }, 'db', read), [false]);
    assert.deepEqual(sslAttempts({ mode: 'prefer', modeSource: 'BLOG_DB_SSLMODE' }, 'db', read), [{ rejectUnauthorized: false }, false]);
    // No sslmode set anywhere: verified TLS first, plain TCP only if the server offers no TLS.
    assert.deepEqual(sslAttempts({ mode: 'prefer' }, 'db', read), [{ rejectUnauthorized: true, servername: 'db' }, false]);
    assert.deepEqual(sslAttempts({ mode: 'allow' }, 'db', read), [false, { rejectUnauthorized: false }]);
    assert.deepEqual(sslAttempts({ mode: 'require' }, 'db', read), [{ rejectUnauthorized: false }]);
    const [full] = sslAttempts({ mode: 'verify-full', rootCertPath: '/ca.pem' }, 'db.example', read);
    assert.deepEqual(full, { ca: 'PEM from /ca.pem', rejectUnauthorized: true, servername: 'db.example' });
    const [ca] = sslAttempts({ mode: 'verify-ca', rootCertPath: '/ca.pem' }, '10.0.0.1', read);
    assert.ok(ca && ca.rejectUnauthorized === true && ca.ca === 'PEM from /ca.pem');
    assert.equal(ca && ca.checkServerIdentity?.('x', {} as never), undefined, 'verify-ca skips the host name check');
    const [requireWithCa] = sslAttempts({ mode: 'require', rootCertPath: '/ca.pem' }, 'db', read);
    assert.ok(requireWithCa && requireWithCa.rejectUnauthorized === true, 'require with a CA file behaves like verify-ca, as in libpq');
    assert.deepEqual(sslAttempts({ mode: 'verify-full', rootCertPath: 'system' }, 'db', read), [{ rejectUnauthorized: true, servername: 'db' }]);
  });
});

describe('describeError', () => {
  const target = { host: 'db', port: 5432, database: 'blog', user: 'blog_app', sslModeSource: 'BLOG_DB_SSLMODE in .env', rootCertSetting: 'BLOG_DB_SSLROOTCERT' };
  const cases: Array<[unknown, string, RegExp]> = [
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'tls-untrusted', /not signed by a trusted CA \(self-signed or private CA\): name its CA file in BLOG_DB_SSLROOTCERT/],
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, 'tls-untrusted', /trusted CA/],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'tls-wrong-host', /not issued for the name 'db'/],
    [{ code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "blog_app", database "blog", no encryption' }, 'tls-required', /only over TLS \(BLOG_DB_SSLMODE in \.env\): set the sslmode to require/],
    [{ code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "blog_app", database "blog", SSL encryption' }, 'not-allowed', /no pg_hba\.conf entry that lets user 'blog_app'/],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'timeout', /Cannot reach db:5432 \(ETIMEDOUT\)/],
    [new Error('Connection terminated due to connection timeout'), 'timeout', /Timed out connecting to db:5432/],
    [{ code: '53300', message: 'sorry, too many clients already' }, 'too-many-connections', /no free connection slots/],
  ];
  for (const [error, kind, text] of cases) {
    it(`${kind}: ${(error as { message: string }).message}`, () => {
      const problem = describeError(error, target);
      assert.equal(problem.kind, kind);
      assert.match(problem.message, text);
    });
  }

  it('scrubs known secrets from text passed through', () => {
    const problem = describeError({ code: 'XX000', message: 'weird failure mentioning hunter2' }, target, ['hunter2']);
    assert.equal(problem.message, 'db:5432: weird failure mentioning ***.');
  });
});
