import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunnerEvents } from '../../../src/runner/events.js';
import { abortable } from '../../../src/runner/abortable.js';

describe('runner events', () => {
  it('a throwing listener is reported and does not stop the others', () => {
    const ev = new RunnerEvents();
    const got: string[] = [];
    ev.on('listener:error', ({ event }) => got.push(`error in ${event}`));
    ev.on('runner:stopped', () => {
      throw new Error('bad listener');
    });
    const off = ev.on('runner:stopped', ({ released }) => got.push(`stopped ${released}`));
    ev.emit('runner:stopped', { released: 2 });
    off();
    ev.emit('runner:stopped', { released: 3 });
    assert.deepEqual(got, ['error in runner:stopped', 'stopped 2', 'error in runner:stopped']);
  });

  it('abortable rejects with the abort reason without waiting for the work', async () => {
    const ac = new AbortController();
    const never = new Promise<number>(() => undefined);
    const p = abortable(never, ac.signal);
    ac.abort(new Error('timeout'));
    await assert.rejects(p, /timeout/);
    assert.equal(await abortable(Promise.resolve(7), new AbortController().signal), 7);
  });
});
