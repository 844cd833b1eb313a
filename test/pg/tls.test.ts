import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveDomains } from '../../src/pg/domains';
import type { ServerSnapshot } from '../../src/pg/model';
import { Monitor } from '../../src/pg/monitor';
import { createDomainDatabases, domainEnv } from './fixtures';
import { startServer, type TestServer } from './server';

/** A private CA and a server certificate for the name `localhost` only (not 127.0.0.1). */
function makeCertificates(folder: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => path.join(folder, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Pool Lens Test CA', '-keyout', file('ca.key'), '-out', file('ca.crt'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server.key'), '-out', file('server.csr'));
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost\\n' > '${file('san.ext')}'`]);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('san.ext'), '-out', file('server.crt'));
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

describe('TLS modes against a server with a private CA', function () {
  this.timeout(60_000);
  let server: TestServer;
  let folder: string;
  let ca: string;

  /** `BLOG_DB_SSLMODE: ''` leaves the sslmode unset, as a user who never thought about TLS would. */
  async function snapshotWith(overrides: Record<string, string>): Promise<ServerSnapshot> {
    const env = Object.fromEntries(Object.entries(domainEnv(server, overrides)).filter(([, value]) => value !== ''));
    const resolved = resolveDomains({ pools: [{ name: 'blog', envPrefix: 'BLOG_DB_' }], env });
    const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
    const monitor = new Monitor(configs, resolved.passwords);
    try {
      return (await monitor.snapshot()).servers[0];
    } finally {
      await monitor.dispose();
    }
  }

  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-tls-'));
    const files = makeCertificates(folder);
    ca = files.ca;
    server = await startServer({ tls: { certFile: files.cert, keyFile: files.key } });
    await createDomainDatabases(server);
  });
  after(async () => {
    await server?.stop();
    if (folder) await fs.rm(folder, { recursive: true, force: true });
  });

  it('verify-full with the CA file and the certificate name connects', async () => {
    const result = await snapshotWith({ BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'verify-full', BLOG_DB_SSLROOTCERT: ca });
    assert.equal(result.status, 'ok', result.error);
  });

  it('verify-full without the CA: untrusted certificate, one sentence naming the CA setting', async () => {
    const result = await snapshotWith({ BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'verify-full' });
    assert.equal(result.errorKind, 'tls-untrusted', result.error);
    assert.match(result.error!, /not signed by a trusted CA .*BLOG_DB_SSLROOTCERT/);
  });

  it('verify-full by IP address: the certificate is for another name', async () => {
    const result = await snapshotWith({ BLOG_DB_HOST: '127.0.0.1', BLOG_DB_SSLMODE: 'verify-full', BLOG_DB_SSLROOTCERT: ca });
    assert.equal(result.errorKind, 'tls-wrong-host', result.error);
    assert.match(result.error!, /not issued for the name '127\.0\.0\.1'; connect with the name on the certificate, or use sslmode verify-ca\./);
  });

  it('verify-ca by IP address checks the chain but not the name', async () => {
    const result = await snapshotWith({ BLOG_DB_HOST: '127.0.0.1', BLOG_DB_SSLMODE: 'verify-ca', BLOG_DB_SSLROOTCERT: ca });
    assert.equal(result.status, 'ok', result.error);
  });

  it('no sslmode set: the certificate is verified, so a private CA is refused with one sentence naming the CA setting', async () => {
    const result = await snapshotWith({ BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: '' });
    assert.equal(result.errorKind, 'tls-untrusted', result.error);
    assert.match(result.error!, /not signed by a trusted CA .*BLOG_DB_SSLROOTCERT, or set sslmode to require to encrypt without verifying\./);
  });

  it('no sslmode set, with the CA file: connects over verified TLS; an explicit prefer encrypts without verifying', async () => {
    const verified = await snapshotWith({ BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: '', BLOG_DB_SSLROOTCERT: ca });
    assert.equal(verified.status, 'ok', verified.error);
    assert.equal(verified.encrypted, true);
    const preferred = await snapshotWith({ BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'prefer' });
    assert.equal(preferred.status, 'ok', preferred.error);
    assert.equal(preferred.encrypted, true);
  });

  it('require encrypts without verifying; a CA file that cannot be read is one sentence', async () => {
    assert.equal((await snapshotWith({ BLOG_DB_SSLMODE: 'require' })).status, 'ok');
    const missing = await snapshotWith({ BLOG_DB_SSLMODE: 'verify-full', BLOG_DB_SSLROOTCERT: path.join(folder, 'nope.pem') });
    assert.equal(missing.errorKind, 'config');
    assert.match(missing.error!, /^Pool 'blog': cannot read the CA file '.*nope\.pem' \(BLOG_DB_SSLROOTCERT\): no such file\.$/);
  });
});
