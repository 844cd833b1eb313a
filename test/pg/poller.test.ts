import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/pg/model';
import { Poller } from '../../src/pg/poller';
import { eventually } from './server';

/** A snapshot source that counts calls and can hold a call open to test overlap. */
class FakeSource {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  async snapshot(): Promise<Snapshot> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('boom');
    }
    return { takenAt: this.calls, servers: [] };
  }
}

describe('Poller', () => {
  it('delivers snapshots on its interval without overlapping refreshes', async () => {
    const source = new FakeSource();
    const seen: number[] = [];
    const poller = new Poller(source, { intervalMs: 500, onSnapshot: (s) => seen.push(s.takenAt) });
    poller.start();
    await Promise.all([poller.refresh(), poller.refresh(), poller.refresh()]);
    await eventually('two timed refreshes', async () => (seen.length >= 3 ? true : undefined), 60);
    poller.dispose();
    assert.equal(source.maxInFlight, 1);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in order');
  });

  it('stops refreshing while paused and refreshes at once on resume', async () => {
    const source = new FakeSource();
    let delivered = 0;
    const poller = new Poller(source, { intervalMs: 60_000, onSnapshot: () => delivered++ });
    poller.start();
    await eventually('the first snapshot', async () => (delivered === 1 ? true : undefined));
    poller.pause();
    assert.equal(poller.running, false);
    assert.equal(poller.paused, true);
    poller.resume();
    await eventually('the refresh on resume', async () => (delivered === 2 ? true : undefined));
    assert.equal(poller.running, true);
    poller.dispose();
  });

  it('reports a failed refresh and keeps going; nothing is delivered after dispose', async () => {
    const source = new FakeSource();
    const errors: unknown[] = [];
    let delivered = 0;
    const poller = new Poller(source, { intervalMs: 60_000, onSnapshot: () => delivered++, onError: (e) => errors.push(e) });
    source.failNext = true;
    poller.start();
    await eventually('the error', async () => (errors.length === 1 ? true : undefined));
    await poller.refresh();
    assert.equal(delivered, 1);
    const pending = poller.refresh();
    poller.dispose();
    await pending;
    assert.equal(delivered, 1);
    assert.equal(poller.running, false);
  });
});
