import assert from 'node:assert/strict';
import { Monitor } from '../../src/pg/monitor';
import { createDomainDatabases, domainEnv, domainsFor, monitorConnectionCount } from './fixtures';
import { eventually, startServer, type TestServer } from './server';

describe('Monitor when the server goes away and comes back', function () {
  this.timeout(60_000);
  let server: TestServer;
  let monitor: Monitor;

  before(async () => {
    server = await startServer();
    await createDomainDatabases(server);
    const { configs, passwords } = domainsFor([{ name: 'blog', envPrefix: 'BLOG_DB_' }], domainEnv(server));
    monitor = new Monitor(configs, passwords, { initialBackoffMs: 50, maxBackoffMs: 200, connectTimeoutMs: 2000 });
  });
  after(async () => {
    await monitor?.dispose();
    await server?.stop();
  });

  it('reports one sentence while down, backs off, and recovers on the same connection budget', async () => {
    assert.equal((await monitor.snapshot()).servers[0].status, 'ok');
    await server.halt();

    // The first refresh after the stop may see the connection being cut, later ones the refusal.
    const down = await eventually('the refusal to be reported', async () => {
      const [state] = (await monitor.snapshot()).servers;
      return state.errorKind === 'refused' ? state : undefined;
    });
    assert.equal(down.status, 'error');
    assert.match(down.error!, /^Cannot connect to 127\.0\.0\.1:\d+ because the connection was refused: is PostgreSQL running[^\n]*\?$/);
    assert.equal(typeof down.nextAttemptAt, 'number', 'a retry time is announced while backing off');

    await server.restart();
    const up = await eventually(
      'the monitor to reconnect',
      async () => {
        const [state] = (await monitor.snapshot()).servers;
        return state.status === 'ok' ? state : undefined;
      },
      200,
    );
    assert.equal(up.error, undefined);
    assert.equal(await monitorConnectionCount(server), 1);
  });
});
