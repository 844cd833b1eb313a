import assert from 'node:assert/strict';
import { Monitor } from '../../src/pg/monitor';
import type { ServerSnapshot } from '../../src/pg/model';
import { resolveDomains } from '../../src/pg/domains';
import { createDomainDatabases, domainEnv, domainsFor, ROLES } from './fixtures';
import { startServer, type TestServer } from './server';

/** One snapshot of a monitor built from `poolLens.pools` + environment; the monitor is closed after. */
async function snapshotWith(pools: unknown, env: Record<string, string>, secrets?: Map<string, string>): Promise<ServerSnapshot> {
  const resolved = resolveDomains({ pools, env, ...(secrets ? { secrets } : {}) });
  const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
  assert.equal(configs.length, resolved.domains.length, JSON.stringify(resolved.domains));
  const monitor = new Monitor(configs, resolved.passwords, { connectTimeoutMs: 3000 });
  try {
    const snapshot = await monitor.snapshot();
    return snapshot.servers[0];
  } finally {
    await monitor.dispose();
  }
}

function assertOneSentence(server: ServerSnapshot, ...secrets: string[]): void {
  assert.equal(server.status, 'error');
  const message = server.error ?? '';
  assert.match(message, /^[^\n]+[.?]$/, `one line: ${message}`);
  assert.doesNotMatch(message, /[.?!] [A-Z]/, `one sentence: ${message}`);
  for (const secret of secrets) assert.ok(!message.includes(secret), `no password in: ${message}`);
}

describe('Connection failures become one clear sentence', function () {
  this.timeout(60_000);
  let server: TestServer;
  const blog = [{ name: 'blog', envPrefix: 'BLOG_DB_' }];

  before(async () => {
    server = await startServer();
    await createDomainDatabases(server);
  });
  after(async () => server?.stop());

  it('wrong password', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_PASSWORD: 'not-the-password' }));
    assertOneSentence(result, 'not-the-password', ROLES.blog.password);
    assert.equal(result.errorKind, 'wrong-password');
    assert.match(result.error!, new RegExp(`rejected the password for user '${ROLES.blog.user}'`));
  });

  it('no password anywhere: says where it looked, and a supplied one fixes it', async () => {
    const env = domainEnv(server);
    delete env.BLOG_DB_PASSWORD;
    const missing = await snapshotWith(blog, env);
    assertOneSentence(missing);
    assert.equal(missing.errorKind, 'password-required');
    assert.match(missing.error!, /BLOG_DB_PASSWORD, PGPASSWORD, ~\/\.pgpass/);

    const supplied = await snapshotWith(blog, env, new Map([['blog', ROLES.blog.password]]));
    assert.equal(supplied.status, 'ok', supplied.error);
  });

  it('unknown host', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_HOST: 'no-such-host.invalid' }));
    assertOneSentence(result);
    assert.equal(result.errorKind, 'host-not-found');
    assert.match(result.error!, /'no-such-host\.invalid'/);
  });

  it('nothing listening on the port', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_PORT: '1' }));
    assertOneSentence(result);
    assert.equal(result.errorKind, 'refused');
  });

  it('database that does not exist', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_NAME: 'blogg' }));
    assertOneSentence(result, ROLES.blog.password);
    assert.equal(result.errorKind, 'database-missing');
    assert.match(result.error!, /'blogg'/);
  });

  it('sslmode=require against a server without TLS', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_SSLMODE: 'require' }));
    assertOneSentence(result);
    assert.equal(result.errorKind, 'tls-unsupported');
    assert.match(result.error!, /BLOG_DB_SSLMODE/);
  });

  it('sslmode=prefer falls back to a plain connection, as libpq does', async () => {
    const result = await snapshotWith(blog, domainEnv(server, { BLOG_DB_SSLMODE: 'prefer' }));
    assert.equal(result.status, 'ok', result.error);
  });

  it('a failing domain does not stop another domain on the same server from connecting', async () => {
    const { configs, passwords } = domainsFor(
      [
        { name: 'blog', envPrefix: 'BLOG_DB_' },
        { name: 'market', envPrefix: 'MARKET_DB_' },
      ],
      domainEnv(server, { BLOG_DB_PASSWORD: 'stale' }),
    );
    const monitor = new Monitor(configs, passwords);
    try {
      const [only] = (await monitor.snapshot()).servers;
      assert.equal(only.status, 'ok', only.error);
      assert.equal(only.monitorDomain, 'market');
      assert.deepEqual(only.domainProblems?.map((p) => [p.domain, p.errorKind]), [['blog', 'wrong-password']]);
    } finally {
      await monitor.dispose();
    }
  });
});
