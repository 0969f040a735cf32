/** The demo systems' misbehaviour script and write log, without a server. */
import { describe, expect, it } from 'vitest';
import { createWriteLog } from '../../../../demo/common/records.js';
import {
  createMisbehaviourControl,
  isDown,
  NO_MISBEHAVIOUR,
  parseMisbehaviour,
} from '../../../../demo/common/system.js';

describe('misbehaviour', () => {
  it('takes the scripted modes in order, one per call, then answers normally', async () => {
    const control = createMisbehaviourControl();
    control.set({
      failNext: 1,
      failWith: 'error',
      rejectNext: 1,
      failAfterApply: 1,
      hangAfterApply: 1,
      dropAfterApply: 1,
    });
    const verdicts = [];
    for (let i = 0; i < 6; i += 1) verdicts.push(await control.decide('anything'));
    expect(verdicts).toEqual([
      'error',
      'rejected',
      'fail-after-apply',
      'hang-after-apply',
      'drop-after-apply',
      'ok',
    ]);
  });

  it('scoped to operations: others are ok and use up nothing', async () => {
    const control = createMisbehaviourControl();
    control.set({ operations: ['CreateSalesOrder'], failNext: 1, unavailable: false });
    expect(await control.decide('GetItem')).toBe('ok');
    expect(await control.decide()).toBe('ok');
    expect(await control.decide('CreateSalesOrder')).toBe('unavailable');
    expect(await control.decide('CreateSalesOrder')).toBe('ok');
  });

  it('a call with a known key takes no fault and leaves the script and errorRate for new work', async () => {
    const control = createMisbehaviourControl();
    control.set({ rejectNext: 1, failAfterApply: 1 });
    expect(await control.knownKey('createOrder')).toBe('ok');
    expect(await control.decide('createOrder')).toBe('rejected');
    expect(await control.knownKey('createOrder')).toBe('ok');
    expect(await control.decide('createOrder')).toBe('fail-after-apply');

    control.set({ errorRate: 0.5, unavailable: false, rateLimited: false });
    expect(await control.knownKey('x')).toBe('ok');
    expect([await control.decide('x'), await control.decide('x')]).toEqual(['ok', 'error']);
    control.set({ unavailable: true, rateLimited: true });
    expect(await control.knownKey('x')).toBe('ok');
    expect(await control.decide('x')).toBe('unavailable');
  });

  it('health is down only when unavailable covers every operation', () => {
    expect(isDown({ ...NO_MISBEHAVIOUR, unavailable: true })).toBe(true);
    expect(isDown({ ...NO_MISBEHAVIOUR, unavailable: true, operations: ['createOrder'] })).toBe(
      false,
    );
  });

  it('parses the new settings and refuses bad ones with a sentence', () => {
    expect(parseMisbehaviour({ operations: ['a', 'b'], dropAfterApply: 2 })).toEqual({
      operations: ['a', 'b'],
      dropAfterApply: 2,
    });
    expect(() => parseMisbehaviour({ operations: 'a' })).toThrow(/operations should be a list/);
    expect(() =>
      parseMisbehaviour({ operations: Array.from({ length: 101 }, (_, i) => `op${i}`) }),
    ).toThrow(/at most 100/);
    expect(() => parseMisbehaviour({ hangAfterApply: -1 })).toThrow(
      /hangAfterApply should be a number of at least 0/,
    );
    expect(() => parseMisbehaviour({ dropAfterAply: 1 })).toThrow(
      /Unknown setting "dropAfterAply". Known: .*dropAfterApply/,
    );
  });
});

describe('write log', () => {
  it('numbers writes and counts them per record and operation', () => {
    const log = createWriteLog(() => new Date('2026-11-30T00:00:00Z'));
    log.applied('createOrder', 'ord_1', { idempotencyKey: 'k1' });
    log.applied('cancelOrder', 'ord_1');
    log.applied('createOrder', 'ord_2', { externalReference: 'x', requestId: 'r' });
    expect(log.list()).toEqual([
      {
        seq: 1,
        operation: 'createOrder',
        id: 'ord_1',
        idempotencyKey: 'k1',
        at: '2026-11-30T00:00:00.000Z',
      },
      { seq: 2, operation: 'cancelOrder', id: 'ord_1', at: '2026-11-30T00:00:00.000Z' },
      {
        seq: 3,
        operation: 'createOrder',
        id: 'ord_2',
        externalReference: 'x',
        requestId: 'r',
        at: '2026-11-30T00:00:00.000Z',
      },
    ]);
    expect(log.countsOf('ord_1')).toEqual({ createOrder: 1, cancelOrder: 1 });
    expect(log.countsOf('nope')).toEqual({});
    expect(log.ids()).toEqual(['ord_1', 'ord_2']);
  });
});
