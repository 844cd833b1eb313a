import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServerSnapshot } from '../../src/pg/model';
import { Monitor, type MonitorOptions } from '../../src/pg/monitor';
import { createDomainDatabases, domainEnv, domainsFor, monitorConnectionCount, ROLES } from './fixtures';
import { assertNoSocketsTo, assertOneSentence, socketsTo, withoutUnhandledRejections } from './leaks';
import { eventually, startServer, type TestServer } from './server';

/**
 * Every database fault, end to end against real PostgreSQL (or a silent loopback socket): the monitor
 * gives one sentence without a password in it, no promise is left rejected without a handler, neither
 * a monitor session on the server nor a socket in this process is left over, and the monitor recovers
 * once the fault is fixed: by itself when the server comes back, after a new password, or (for a
 * setting the user changes) with the monitor the editor rebuilds from the new settings.
 */

const WRONG_PASSWORD = 'Wrong-4hTz-fault-pw';
const FAST: MonitorOptions = { connectTimeoutMs: 1500, initialBackoffMs: 50, maxBackoffMs: 200 };
const blog = [{ name: 'blog', envPrefix: 'BLOG_DB_' }];

function monitorFor(server: TestServer, overrides: Record<string, string> = {}, options: MonitorOptions = FAST): Monitor {
  const { configs, passwords } = domainsFor(blog, domainEnv(server, overrides));
  return new Monitor(configs, passwords, options);
}

async function stateOf(monitor: Monitor): Promise<ServerSnapshot> {
  return (await monitor.snapshot()).servers[0];
}

/** Refreshes until the server is `ok`, as the poller would. */
function recovered(monitor: Monitor): Promise<ServerSnapshot> {
  return eventually(
    'the monitor to recover',
    async () => {
      const state = await stateOf(monitor);
      return state.status === 'ok' ? state : undefined;
    },
    300,
  );
}

/** The monitor sessions on `server` once backends that are ending have gone. */
function settledMonitorSessions(server: TestServer, expected: number): Promise<number> {
  return eventually(`${expected} monitor session(s) on the server`, async () => {
    const n = await monitorConnectionCount(server);
    return n === expected ? n : undefined;
  });
}

/** Closes a monitor and checks that it leaves neither a session on the server nor a socket to `port`. */
async function closeAndCheck(monitor: Monitor, server: TestServer, port = server.port): Promise<void> {
  await monitor.dispose();
  await settledMonitorSessions(server, 0);
  await assertNoSocketsTo(port, 'after the monitor was closed');
}

describe('Database faults: one sentence, nothing leaked, automatic recovery', function () {
  this.timeout(120_000);

  describe('on a plain server', () => {
    let server: TestServer;
    const secrets = () => [ROLES.blog.password, WRONG_PASSWORD, server.password];

    before(async () => {
      server = await startServer();
      await createDomainDatabases(server);
    });
    after(async () => server?.stop());

    it('a server that accepts TCP and never answers: a timeout sentence, no socket kept, recovery when the port starts answering', () =>
      withoutUnhandledRejections(async () => {
        const accepted = new Set<net.Socket>();
        let acceptedEver = 0;
        const silent = net.createServer((socket) => {
          acceptedEver++;
          accepted.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => accepted.delete(socket));
          // Reads (and drops) what the client sends but never answers; reading also lets it see the client hang up.
          socket.resume();
        });
        const port = await listen(silent, 0);
        const monitor = monitorFor(server, { BLOG_DB_PORT: String(port) });
        let proxy: net.Server | undefined;
        try {
          const started = performance.now();
          const down = await stateOf(monitor);
          const waited = performance.now() - started;
          assert.equal(down.status, 'error');
          assert.equal(down.errorKind, 'timeout', down.error);
          assertOneSentence(down.error, secrets());
          assert.equal(down.error, `Timed out connecting to 127.0.0.1:${port}; check the host, the port and any firewall or VPN in between.`);
          assert.ok(acceptedEver >= 1, 'the silent server accepted the connection');
          assert.ok(waited >= FAST.connectTimeoutMs! - 50, `the monitor gave up after its connect timeout, not before (${Math.round(waited)} ms)`);
          // The monitor closed its side: neither this process nor the silent server holds the connection.
          await assertNoSocketsTo(port, 'after the connect timeout');
          await eventually('the silent server to see the connection closed', async () => (accepted.size === 0 ? true : undefined));

          // The address starts answering: the silent listener goes, a proxy to the real server takes its port.
          await close(silent);
          proxy = forwardingProxy(server.port);
          await listen(proxy, port);
          const up = await recovered(monitor);
          assert.equal(up.error, undefined);
          assert.equal(await monitorConnectionCount(server), 1);
          await closeAndCheck(monitor, server, port);
          await assertNoSocketsTo(server.port, 'from the proxy after the monitor was closed');
        } finally {
          await monitor.dispose();
          for (const socket of accepted) socket.destroy();
          if (silent.listening) await close(silent);
          if (proxy) await close(proxy);
        }
      }));

    it('wrong password: names the user, not the password; a new password recovers the same monitor', () =>
      withoutUnhandledRejections(async () => {
        const monitor = monitorFor(server, { BLOG_DB_PASSWORD: WRONG_PASSWORD });
        try {
          const down = await stateOf(monitor);
          assert.equal(down.errorKind, 'wrong-password', down.error);
          assertOneSentence(down.error, secrets());
          assert.match(down.error!, new RegExp(`rejected the password for user '${ROLES.blog.user}'`));
          assert.equal(await monitorConnectionCount(server), 0);
          await assertNoSocketsTo(server.port, 'after the password was rejected');

          monitor.setPassword('blog', ROLES.blog.password);
          await recovered(monitor);
          assert.equal(await monitorConnectionCount(server), 1);
          // The socket count sees the live connection, so its zeros above and below mean something.
          assert.equal(await socketsTo(server.port), 1);
          await closeAndCheck(monitor, server);
        } finally {
          await monitor.dispose();
        }
      }));

    it('unknown host: names the host; the monitor built from the corrected setting connects', () =>
      withoutUnhandledRejections(async () => {
        const broken = monitorFor(server, { BLOG_DB_HOST: 'no-such-host.invalid' });
        const fixed = monitorFor(server);
        try {
          const down = await stateOf(broken);
          assert.equal(down.errorKind, 'host-not-found', down.error);
          assertOneSentence(down.error, secrets());
          assert.match(down.error!, /'no-such-host\.invalid'/);
          await broken.dispose();
          assert.equal(await monitorConnectionCount(server), 0);
          await assertNoSocketsTo(server.port, 'after the host was not found');

          await recovered(fixed);
          assert.equal(await monitorConnectionCount(server), 1);
          await closeAndCheck(fixed, server);
        } finally {
          await broken.dispose();
          await fixed.dispose();
        }
      }));

    const configFaults: Array<{ name: string; kind: string; broken: Record<string, string>; says: RegExp }> = [
      { name: 'sslmode=require against a server without TLS', kind: 'tls-unsupported', broken: { BLOG_DB_SSLMODE: 'require' }, says: /does not accept TLS connections, but the sslmode \(BLOG_DB_SSLMODE in the environment\) requires TLS/ },
      { name: 'a database that does not exist', kind: 'database-missing', broken: { BLOG_DB_NAME: 'blogg' }, says: /The database 'blogg' does not exist/ },
    ];
    for (const fault of configFaults) {
      it(`${fault.name}: one sentence; the monitor built from the corrected setting connects`, () =>
        withoutUnhandledRejections(async () => {
          const broken = monitorFor(server, fault.broken);
          const fixed = monitorFor(server);
          try {
            const down = await stateOf(broken);
            assert.equal(down.errorKind, fault.kind, down.error);
            assertOneSentence(down.error, secrets());
            assert.match(down.error!, fault.says);
            await broken.dispose();
            assert.equal(await monitorConnectionCount(server), 0);
            await assertNoSocketsTo(server.port, `after: ${fault.name}`);

            await recovered(fixed);
            assert.equal(await monitorConnectionCount(server), 1);
            await closeAndCheck(fixed, server);
          } finally {
            await broken.dispose();
            await fixed.dispose();
          }
        }));
    }

    // Last on this server: it stops and restarts it.
    it('server stopped and restarted while monitoring: a sentence while down, no socket kept, one session after the restart', () =>
      withoutUnhandledRejections(async () => {
        const monitor = monitorFor(server);
        try {
          await recovered(monitor);
          assert.equal(await monitorConnectionCount(server), 1);
          await server.halt();
          const down = await eventually('the refusal to be reported', async () => {
            const state = await stateOf(monitor);
            return state.errorKind === 'refused' ? state : undefined;
          });
          assertOneSentence(down.error, secrets());
          assert.match(down.error!, /connection was refused: is PostgreSQL running/);
          await assertNoSocketsTo(server.port, 'while the server was down');

          await server.restart();
          await recovered(monitor);
          assert.equal(await monitorConnectionCount(server), 1);
          await closeAndCheck(monitor, server);
        } finally {
          await monitor.dispose();
        }
      }));
  });

  describe('on a server that requires TLS (hostssl only) with a self-signed certificate', () => {
    let server: TestServer;
    let folder: string;
    let cert: string;
    const secrets = () => [ROLES.blog.password, server.password];

    before(async () => {
      folder = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-faults-'));
      cert = path.join(folder, 'server.crt');
      const key = path.join(folder, 'server.key');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert],
        { stdio: 'pipe' },
      );
      server = await startServer({
        tls: { certFile: cert, keyFile: key },
        // The superuser (the test's own connections) may use plain TCP; every application role needs TLS.
        hba: ['host all postgres 127.0.0.1/32 scram-sha-256', 'hostssl all all 127.0.0.1/32 scram-sha-256', 'hostssl all all ::1/128 scram-sha-256', ''].join('\n'),
      });
      await createDomainDatabases(server);
    });
    after(async () => {
      await server?.stop();
      if (folder) await fs.rm(folder, { recursive: true, force: true });
    });

    it('TLS required by the server, sslmode=disable on the client: says to change the sslmode; the fixed setting connects', () =>
      withoutUnhandledRejections(async () => {
        const broken = monitorFor(server, { BLOG_DB_SSLMODE: 'disable' });
        const fixed = monitorFor(server, { BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'verify-full', BLOG_DB_SSLROOTCERT: cert });
        try {
          const down = await stateOf(broken);
          assert.equal(down.errorKind, 'tls-required', down.error);
          assertOneSentence(down.error, secrets());
          assert.equal(
            down.error,
            `127.0.0.1:${server.port} accepts user '${ROLES.blog.user}' on database 'blog' only over TLS (BLOG_DB_SSLMODE in the environment): set the sslmode to require or verify-full.`,
          );
          await broken.dispose();
          assert.equal(await monitorConnectionCount(server), 0);
          await assertNoSocketsTo(server.port, 'after the plain connection was refused');

          await recovered(fixed);
          assert.equal(await monitorConnectionCount(server), 1);
          const [{ ssl }] = await server.sql<{ ssl: boolean }>(
            `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'pool-lens-monitor'`,
          );
          assert.equal(ssl, true, 'the monitor session is encrypted');
          await closeAndCheck(fixed, server);
        } finally {
          await broken.dispose();
          await fixed.dispose();
        }
      }));

    it('a self-signed certificate with verify-full: says to name the CA file; naming it connects', () =>
      withoutUnhandledRejections(async () => {
        const broken = monitorFor(server, { BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'verify-full' });
        const fixed = monitorFor(server, { BLOG_DB_HOST: 'localhost', BLOG_DB_SSLMODE: 'verify-full', BLOG_DB_SSLROOTCERT: cert });
        try {
          const down = await stateOf(broken);
          assert.equal(down.errorKind, 'tls-untrusted', down.error);
          assertOneSentence(down.error, secrets());
          assert.match(down.error!, /self-signed or private CA\): name its CA file in BLOG_DB_SSLROOTCERT/);
          await broken.dispose();
          assert.equal(await monitorConnectionCount(server), 0);
          await assertNoSocketsTo(server.port, 'after the certificate was refused');

          await recovered(fixed);
          assert.equal(await monitorConnectionCount(server), 1);
          await closeAndCheck(fixed, server);
        } finally {
          await broken.dispose();
          await fixed.dispose();
        }
      }));
  });
});

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A TCP proxy to the real server's port: the silent address "starts answering". */
function forwardingProxy(targetPort: number): net.Server {
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    downstream.pipe(upstream).pipe(downstream);
  });
  return proxy;
}
