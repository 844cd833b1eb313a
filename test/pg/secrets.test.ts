import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { runInspect } from '../../src/cli/inspect';
import { resolveDomains } from '../../src/pg/domains';
import { describeError, type ConnectionTarget } from '../../src/pg/errors';
import { Monitor } from '../../src/pg/monitor';
import * as queries from '../../src/pg/queries';
import { startServer, type TestServer } from './server';
import { printedDuring } from './processOutput';

/** Distinctive enough that finding it anywhere can only mean it leaked. */
const PASSWORD = 'Canary-7fQ2-pool-lens-pw';
const WRONG_PASSWORD = 'Wrong-9xKd-pool-lens-pw';
const SUPERUSER_PASSWORD = 'test-superuser-secret';
const SECRETS = [PASSWORD, WRONG_PASSWORD, SUPERUSER_PASSWORD];
const ROLE = 'canary_app';

/** Every SQL text the monitor may send: the string constants of src/pg/queries.ts, bar the application name. */
const STATEMENTS = new Set(
  Object.entries(queries)
    .filter(([name, value]) => typeof value === 'string' && name !== 'MONITOR_APPLICATION_NAME')
    .map(([, value]) => value as string),
);

/**
 * Records what goes through `pg.Client#query` while armed: the SQL text and its parameters. The
 * monitor uses plain `pg.Client`s, so this sees every statement it sends.
 */
class QueryRecorder {
  readonly sent: Array<{ text: string; values: unknown[] }> = [];
  private armed = false;
  private original = pg.Client.prototype.query;

  install(): void {
    const recorder = this;
    const original = this.original;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (recorder.armed) {
        const [first, second] = args as [unknown, unknown];
        const text = typeof first === 'string' ? first : String((first as { text?: unknown })?.text);
        const values = Array.isArray(second) ? second : ((first as { values?: unknown[] })?.values ?? []);
        recorder.sent.push({ text, values });
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query;
  }

  uninstall(): void {
    pg.Client.prototype.query = this.original;
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.armed = true;
    try {
      return await work();
    } finally {
      this.armed = false;
    }
  }
}

/** Fails when any secret occurs in `text`; `what` says where it was found. */
function assertNoSecret(text: string, what: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `a password appears in ${what}:\n${text}`);
}

describe('Passwords never leak, and the monitor sends only constant SQL', function () {
  this.timeout(60_000);
  let server: TestServer;
  let workspace: string;
  const recorder = new QueryRecorder();
  // A fault path that forgets a promise shows up here rather than as a crash of the extension host.
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startServer();
    await server.sql(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
    await server.sql(`CREATE DATABASE canary OWNER ${ROLE}`);
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-secrets-'));
    await fs.mkdir(path.join(workspace, '.vscode'));
    recorder.install();
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    recorder.uninstall();
    if (workspace) await fs.rm(workspace, { recursive: true, force: true });
    await server?.stop();
  });

  /** `pool-lens inspect` in the workspace with this .env and settings; checks every output for secrets. */
  async function inspect(env: Record<string, string>, pools: unknown, ...argv: string[]) {
    await fs.writeFile(path.join(workspace, '.env'), Object.entries(env).map(([k, v]) => `${k}="${v}"`).join('\n'));
    await fs.writeFile(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'poolLens.pools': pools }));
    let stdout = '';
    let stderr = '';
    const { result: code, printed } = await printedDuring(() =>
      recorder.during(() =>
        runInspect(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: workspace, env: { HOME: workspace } }),
      ),
    );
    assertNoSecret(stdout, 'stdout');
    assertNoSecret(stderr, 'stderr');
    assertNoSecret(printed, 'what the process printed');
    return { code, stdout, stderr };
  }

  const envPool = [{ name: 'canary', envPrefix: 'CANARY_DB_' }];
  const envFor = (password: string, port = server.port) => ({
    CANARY_DB_HOST: server.host,
    CANARY_DB_PORT: String(port),
    CANARY_DB_NAME: 'canary',
    CANARY_DB_USER: ROLE,
    CANARY_DB_PASSWORD: password,
    CANARY_DB_SSLMODE: 'disable',
  });

  it('inspect with the right password in .env: connects, and neither the text nor the JSON report shows it', async () => {
    const text = await inspect(envFor(PASSWORD), envPool);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /canary/);
    const json = await inspect(envFor(PASSWORD), envPool, '--format', 'json');
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).servers[0].status, 'ok');
  });

  it('inspect with a wrong password: says it was rejected, and shows neither password', async () => {
    const { code, stdout } = await inspect(envFor(WRONG_PASSWORD), envPool);
    assert.equal(code, 1);
    assert.match(stdout, /rejected the password for user 'canary_app'/);
  });

  it('inspect against a port nobody listens on: says the connection was refused, and shows no password', async () => {
    const { code, stdout } = await inspect(envFor(PASSWORD, 1), envPool, '--format', 'json');
    assert.equal(code, 1);
    assert.match(stdout, /connection was refused/);
  });

  it('a password written into a connectionString in settings is not used and not repeated', async () => {
    const pools = [{ name: 'canary', connectionString: `postgres://${ROLE}:${PASSWORD}@${server.host}:${server.port}/canary?sslmode=disable` }];
    const { code, stdout } = await inspect({}, pools);
    // Nothing else supplies a password here, so the report says why this pool was not inspected.
    assert.equal(code, 1);
    assert.match(stdout, /contains a password, which Pool Lens never reads from settings/);
  });

  it("describeError scrubs a password from the driver's and the server's text", () => {
    const target: ConnectionTarget = { host: server.host, port: server.port, database: 'canary', user: ROLE };
    const url = `postgres://${ROLE}:${PASSWORD}@${server.host}:${server.port}/canary`;
    const errors: unknown[] = [
      new Error(`getaddrinfo failed for ${url}`),
      Object.assign(new Error(`permission denied for ${url}`), { code: '42501' }),
      Object.assign(new Error(`something odd\n${url}`), { code: 'XX000' }),
      `a thrown string with ${url}`,
      { message: `an object with ${PASSWORD} in it` },
    ];
    for (const error of errors) {
      const problem = describeError(error, target, [PASSWORD]);
      assertNoSecret(problem.message, `describeError(${JSON.stringify(String(error))})`);
      assert.match(problem.message, /\S/);
    }
  });

  it('the monitor: snapshots, sessions, cancel, a refused terminate and a missing database show no password', async () => {
    // The missing database comes first, so the monitor tries it, fails, and falls back to canary.
    const pools = [
      { name: 'missing', envPrefix: 'MISSING_DB_' },
      { name: 'canary', envPrefix: 'CANARY_DB_' },
    ];
    const env = { ...envFor(PASSWORD), MISSING_DB_HOST: server.host, MISSING_DB_PORT: String(server.port), MISSING_DB_NAME: 'nope', MISSING_DB_USER: ROLE, MISSING_DB_PASSWORD: PASSWORD, MISSING_DB_SSLMODE: 'disable' };
    const resolved = resolveDomains({ pools, env });
    const configs = resolved.domains.flatMap((d) => (d.ok ? [d.config] : []));
    assertNoSecret(JSON.stringify(configs), 'the domain configs');
    const app = await server.connect('postgres', { application_name: 'superuser-app' });
    const monitor = new Monitor(configs, resolved.passwords, { connectTimeoutMs: 3000 });
    const messages: string[] = [];
    try {
      await recorder.during(async () => {
        const snapshot = await monitor.snapshot();
        assertNoSecret(JSON.stringify(snapshot), 'the snapshot');
        const key = snapshot.servers[0].key;
        const sessions = await monitor.sessions(key, 'postgres', 'superuser-app');
        assertNoSecret(JSON.stringify(sessions), 'the sessions');
        assert.equal(sessions.length, 1);
        assert.equal(await monitor.cancel(key, 2_000_000), false);
        // A non-superuser may not end a superuser's session: a real server error on the way back.
        await monitor.terminate(key, sessions[0].pid).then(
          () => assert.fail('terminating a superuser session as canary_app succeeded'),
          (error: Error) => messages.push(error.message),
        );
        // The missing database is a real error path too: it must be reported, without the password.
        assert.match(JSON.stringify(snapshot), /'nope' does not exist/);
      });
    } finally {
      await monitor.dispose();
      await app.end();
    }
    assert.ok(messages.some((m) => /not allowed|permission/i.test(m)), messages.join('\n'));
    for (const message of messages) assertNoSecret(message, 'a monitor message');
  });

  it('every SQL text sent was one of the constants in src/pg/queries.ts, and no parameter was a password', () => {
    assert.ok(recorder.sent.length > 0);
    for (const { text, values } of recorder.sent) {
      assert.ok(STATEMENTS.has(text), `not a constant from queries.ts:\n${text}`);
      assertNoSecret(JSON.stringify(values), 'query parameters');
    }
    // Each statement was exercised, so the check above covered them all.
    assert.deepEqual(new Set(recorder.sent.map((q) => q.text)), STATEMENTS);
  });

  it('left no promise rejection unhandled on any of these paths', async () => {
    // Rejections are reported after the microtask queue drains; give them a turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled.map(String), []);
  });
});
