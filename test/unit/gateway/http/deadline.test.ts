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
});
