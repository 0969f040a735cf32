import { describe, expect, it } from 'vitest';
import { closeAll, track, trackedCount, untrack } from '../../harness/cleanup.js';

function closeable(log: string[], name: string, fail = false) {
  return {
    closed: 0,
    async close() {
      this.closed += 1;
      log.push(name);
      if (fail) throw new Error(`${name} refused`);
    },
  };
}

describe('cleanup registry', () => {
  it('closes everything newest first and forgets it', async () => {
    const log: string[] = [];
    const before = trackedCount();
    track(closeable(log, 'systems'), 'systems');
    track(closeable(log, 'gateway'), 'gateway');
    expect(trackedCount()).toBe(before + 2);
    await closeAll();
    expect(log).toEqual(['gateway', 'systems']);
    expect(trackedCount()).toBe(0);
    await closeAll();
    expect(log).toEqual(['gateway', 'systems']);
  });

  it('keeps closing after a failure and reports every failure with its label', async () => {
    const log: string[] = [];
    const first = track(closeable(log, 'first'), 'first thing');
    track(closeable(log, 'broken', true), 'broken thing');
    track(closeable(log, 'last', true), 'last thing');
    const error = await closeAll().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toHaveLength(2);
    expect((error as AggregateError).message).toContain('closing last thing failed: last refused');
    expect((error as AggregateError).message).toContain(
      'closing broken thing failed: broken refused',
    );
    expect(log).toEqual(['last', 'broken', 'first']);
    expect(first.closed).toBe(1);
  });

  it('untrack removes only the given thing', async () => {
    const log: string[] = [];
    const kept = track(closeable(log, 'kept'), 'kept');
    const gone = track(closeable(log, 'gone'), 'gone');
    untrack(gone);
    untrack({ close: async () => undefined });
    await closeAll();
    expect(log).toEqual(['kept']);
    expect(kept.closed).toBe(1);
    expect(gone.closed).toBe(0);
  });
});
