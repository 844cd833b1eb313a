import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';

/**
 * Checks that a fault leaves nothing behind in this process: no promise rejected without a handler, and
 * no TCP socket still open to the server's port.
 */

/**
 * Runs `work` with an `unhandledRejection` recorder installed and fails if any rejection went unhandled
 * during it. Node reports an unhandled rejection after the microtask queue drains, so the recorder stays
 * a few turns of the event loop after `work` ends.
 */
export async function withoutUnhandledRejections<T>(work: () => Promise<T>): Promise<T> {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const result = await work();
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled.map(String), [], 'a promise was rejected and nobody handled it');
    return result;
  } finally {
    process.off('unhandledRejection', record);
  }
}

/**
 * TCP sockets this process holds to `port` on any address, in any state but closed, read from
 * /proc/self/fd and /proc/net/tcp{,6}. Undefined where /proc is not there (not Linux).
 */
export async function socketsTo(port: number): Promise<number | undefined> {
  let fds: string[];
  try {
    fds = await fs.readdir('/proc/self/fd');
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    const link = await fs.readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match) inodes.add(match[1]);
  }
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const remotePort = parseInt(fields[2].split(':')[1] ?? '', 16);
      // State 07 is TCP_CLOSE: a socket with nothing left to release.
      if (remotePort === port && fields[3] !== '07' && inodes.has(fields[9])) count++;
    }
  }
  return count;
}

/** Waits (briefly) until no socket of this process goes to `port`; fails naming how many are left. */
export async function assertNoSocketsTo(port: number, what: string): Promise<void> {
  let left: number | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    left = await socketsTo(port);
    if (left === undefined || left === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`${left} socket(s) to port ${port} still open ${what}`);
}

/** One line, one sentence, ending in a full stop or question mark, and no secret in it. */
export function assertOneSentence(message: string | undefined, secrets: readonly string[]): void {
  assert.ok(message, 'a sentence is given');
  assert.match(message, /^[^\n]+[.?]$/, `one line: ${message}`);
  assert.doesNotMatch(message, /[.?!] [A-Z]/, `one sentence: ${message}`);
  for (const secret of secrets) assert.ok(!message.includes(secret), `a password appears in: ${message}`);
}
