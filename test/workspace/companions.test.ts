import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompanionSnapshot } from '../../src/runtime/protocol';
import { acquisitionPath, readCompanions, type CompanionFailure } from '../../src/workspace/companions';

const TOKEN = 'ab'.repeat(32);

/** A loopback stand-in for a companion: answers GET /v1/pools with `answer` when the token is right. */
interface StandIn {
  port: number;
  requests: Array<{ method?: string; url?: string; authorization?: string }>;
  close(): Promise<void>;
}

async function standIn(answer: (pid: number) => { status: number; body: string } | 'hang', pid = process.pid): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    const reply = answer(pid);
    if (reply === 'hang') return;
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function snapshot(pid: number): CompanionSnapshot {
  return {
    version: 1,
    pid,
    takenAt: '2026-11-22T06:00:00.000Z',
    pools: [
      {
        name: 'orders',
        database: 'shop',
        applicationName: 'orders-api',
        max: 10,
        totalCount: 3,
        idleCount: 1,
        waitingCount: 0,
        checkedOut: 2,
        peakCheckedOut: 4,
        peakWaiting: 1,
        checkoutsTotal: 57,
        checkouts: [
          {
            id: 7,
            acquiredAt: '2026-11-22T05:59:30.000Z',
            ageMs: 30_000,
            backendPid: 4242,
            file: '/srv/app/src/routes/orders.ts',
            line: 17,
            column: 32,
            stack: ['at listOrders (/srv/app/src/routes/orders.ts:17:32)'],
          },
        ],
      },
    ],
  };
}

describe('runtime companion reader', () => {
  let folder: string;
  const servers: StandIn[] = [];

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'pool-lens-companions-'));
    await fs.mkdir(path.join(folder, '.pool-lens'));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await fs.rm(folder, { recursive: true, force: true });
  });

  async function endpointFile(pid: number, fields: Record<string, unknown>): Promise<string> {
    const file = path.join(folder, '.pool-lens', `companion-${pid}.json`);
    const endpoint = { version: 1, pid, host: '127.0.0.1', port: 1, token: TOKEN, startedAt: '2026-11-22T05:00:00.000Z', cwd: folder, ...fields };
    await fs.writeFile(file, JSON.stringify(endpoint));
    return file;
  }

  async function running(answer: Parameters<typeof standIn>[0], pid = process.pid): Promise<StandIn> {
    const server = await standIn(answer, pid);
    servers.push(server);
    return server;
  }

  it('finds nothing in a folder without .pool-lens', async () => {
    await fs.rm(path.join(folder, '.pool-lens'), { recursive: true });
    assert.deepEqual(await readCompanions(folder), []);
  });

  it('asks GET /v1/pools with the bearer token and returns the snapshot with its checkouts', async () => {
    const server = await running((pid) => ({ status: 200, body: JSON.stringify(snapshot(pid)) }));
    const file = await endpointFile(process.pid, { port: server.port });
    await fs.writeFile(path.join(folder, '.pool-lens', '.gitignore'), '*\n');
    const [reading, ...rest] = await readCompanions(folder);
    assert.equal(rest.length, 0);
    assert.ok(reading.ok, reading.ok ? '' : reading.problem);
    assert.equal(reading.file, file);
    assert.equal(reading.endpoint.port, server.port);
    assert.deepEqual(reading.snapshot, snapshot(process.pid));
    assert.deepEqual(server.requests, [{ method: 'GET', url: '/v1/pools', authorization: `Bearer ${TOKEN}` }]);
  });

  it('skips the files of processes that are gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await endpointFile(gone, { port: 9 });
    assert.deepEqual(await readCompanions(folder), []);
  });

  it('refuses a host other than 127.0.0.1 without sending the token anywhere', async () => {
    const server = await running((pid) => ({ status: 200, body: JSON.stringify(snapshot(pid)) }));
    await endpointFile(process.pid, { port: server.port, host: 'localhost' });
    const [reading] = await readCompanions(folder);
    assert.equal(reading.ok, false);
    assert.match((reading as CompanionFailure).problem, /unreadable: its host "localhost" is not 127\.0\.0\.1/);
    assert.equal(server.requests.length, 0);
  });

  it('says when the token is refused', async () => {
    const server = await running((pid) => ({ status: 200, body: JSON.stringify(snapshot(pid)) }));
    await endpointFile(process.pid, { port: server.port, token: 'cd'.repeat(32) });
    const [reading] = await readCompanions(folder);
    assert.equal(reading.ok, false);
    assert.match((reading as CompanionFailure).problem, new RegExp(`^The companion of process ${process.pid} \\(port ${server.port}\\) refused the token`));
  });

  it('says when nothing listens on the port', async () => {
    const server = await running(() => 'hang');
    const port = server.port;
    await servers.pop()!.close();
    await endpointFile(process.pid, { port });
    const [reading] = await readCompanions(folder);
    assert.match((reading as CompanionFailure).problem, /is not answering \(ECONNREFUSED\)/);
  });

  it('gives up on a companion that does not answer within the timeout', async () => {
    const server = await running(() => 'hang');
    await endpointFile(process.pid, { port: server.port });
    const [reading] = await readCompanions(folder, { timeoutMs: 200 });
    assert.match((reading as CompanionFailure).problem, /is not answering \(no answer within 200 ms\)/);
  });

  it('says when the answer is not JSON, not a snapshot, or not a 200', async () => {
    const answers = [
      { status: 200, body: '<html>' },
      { status: 200, body: JSON.stringify({ ...snapshot(1), pools: [{ name: 'orders', max: 10 }] }) },
      { status: 404, body: '' },
    ];
    const problems: string[] = [];
    for (const answer of answers) {
      const server = await running(() => answer);
      await endpointFile(process.pid, { port: server.port });
      const [reading] = await readCompanions(folder);
      problems.push((reading as CompanionFailure).problem.replace(/^.*\) /, ''));
    }
    assert.deepEqual(problems, [
      'gave a malformed answer: it is not JSON.',
      "gave a malformed answer: pool 'orders' has no count totalCount.",
      'answered HTTP 404 instead of its pools.',
    ]);
  });

  it('says when an endpoint file cannot be read or parsed, and ignores other files', async () => {
    const alive = () => true;
    await fs.writeFile(path.join(folder, '.pool-lens', 'companion-101.json'), '{"version":1,');
    await fs.mkdir(path.join(folder, '.pool-lens', 'companion-102.json'));
    await endpointFile(103, { version: 2 });
    await fs.writeFile(path.join(folder, '.pool-lens', 'companion-x.json'), '{}');
    await fs.writeFile(path.join(folder, '.pool-lens', 'notes.txt'), 'hello');
    const readings = await readCompanions(folder, { isAlive: alive });
    assert.deepEqual(
      readings.map((r) => [r.ok, (r as CompanionFailure).pid, (r as CompanionFailure).problem.replace(folder, '<folder>')]),
      [
        [false, 101, 'The companion file <folder>/.pool-lens/companion-101.json is unreadable: it is not JSON.'],
        [false, 102, 'The companion file <folder>/.pool-lens/companion-102.json cannot be read (EISDIR).'],
        [false, 103, 'The companion file <folder>/.pool-lens/companion-103.json is unreadable: it has protocol version 2, this reader knows 1.'],
      ],
    );
  });

  it('resolves a relative acquisition file against the app\'s working directory', () => {
    assert.equal(acquisitionPath({ cwd: '/srv/app' }, { file: 'src/routes/orders.ts' }), '/srv/app/src/routes/orders.ts');
    assert.equal(acquisitionPath({ cwd: '/srv/app' }, { file: '/opt/lib/x.js' }), '/opt/lib/x.js');
    assert.equal(acquisitionPath({ cwd: '/srv/app' }, {}), undefined);
  });
});
