import { describe, expect, it } from 'vitest';
import { startDeadline } from '../../../../gateway/http/deadline.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('startDeadline', () => {
  it('aborts the deadline signal when the time is up, and not the caller signal', async () => {
    const deadline = startDeadline(10);
    expect(deadline.signal.aborted).toBe(false);
    await tick(40);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.callerSignal.aborted).toBe(false);
    deadline.release();
  });

  it('aborts both signals when the caller goes away', () => {
    const deadline = startDeadline(60_000);
    deadline.callerGone();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.callerSignal.aborted).toBe(true);
    deadline.release();
  });

  it('stops the clock on release', async () => {
    const deadline = startDeadline(10);
    deadline.release();
    await tick(40);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("follows a request's own signal until release, and uses it as the caller signal", () => {
    const request = new AbortController();
    const deadline = startDeadline(60_000, request.signal);
    expect(deadline.callerSignal).toBe(request.signal);
    request.abort();
    expect(deadline.signal.aborted).toBe(true);
    deadline.release();

    const later = new AbortController();
    const released = startDeadline(60_000, later.signal);
    released.release();
    later.abort();
    expect(released.signal.aborted).toBe(false);
  });

  it('starts aborted when the request signal already is', () => {
    const request = new AbortController();
    request.abort();
    const deadline = startDeadline(60_000, request.signal);
    expect(deadline.signal.aborted).toBe(true);
    deadline.release();
  });

  it('a caller signal read before the caller goes away is aborted with it (it is made on first read)', () => {
    const deadline = startDeadline(60_000);
    const caller = deadline.callerSignal;
    expect(deadline.callerSignal).toBe(caller);
    deadline.callerGone();
    expect(caller.aborted).toBe(true);
    deadline.release();
  });

  it('lets every backend call in flight listen to the deadline signal: 50 listeners, no MaxListenersExceededWarning', async () => {
    let warnings = 0;
    const onWarning = (warning: Error): void => {
      if (warning.name === 'MaxListenersExceededWarning') warnings += 1;
    };
    process.on('warning', onWarning);
    try {
      const deadline = startDeadline(60_000);
      const listeners = Array.from({ length: 50 }, () => () => undefined);
      for (const listener of listeners) deadline.signal.addEventListener('abort', listener);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toBe(0);
      for (const listener of listeners) deadline.signal.removeEventListener('abort', listener);
      deadline.release();
    } finally {
      process.off('warning', onWarning);
    }
  });
});
