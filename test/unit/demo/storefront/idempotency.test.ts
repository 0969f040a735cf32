import { describe, expect, it } from 'vitest';
import { createIdempotencyStore, fingerprintOf } from '../../../../demo/storefront/idempotency.js';
import { HttpProblem } from '../../../../demo/storefront/problem.js';

describe('storefront idempotency store', () => {
  it('fingerprints bodies independently of key order', () => {
    expect(fingerprintOf('POST', '/orders', { a: 1, b: [{ c: 2, d: 3 }] })).toBe(
      fingerprintOf('POST', '/orders', { b: [{ d: 3, c: 2 }], a: 1 }),
    );
    expect(fingerprintOf('POST', '/orders', { a: 1 })).not.toBe(
      fingerprintOf('POST', '/customers', { a: 1 }),
    );
  });

  it('runs a write once per key and scope, and forgets keys after their ttl or past the cap', () => {
    let clock = 0;
    const store = createIdempotencyStore({ ttlMs: 1000, maxKeys: 2, now: () => clock });
    let writes = 0;
    const write = () => ({ status: 201, body: { n: (writes += 1) } });
    expect(store.run('s', 'k1', 'f', write)).toEqual({
      reply: { status: 201, body: { n: 1 } },
      replayed: false,
    });
    expect(store.run('s', 'k1', 'f', write)).toEqual({
      reply: { status: 201, body: { n: 1 } },
      replayed: true,
    });
    expect(store.run('other', 'k1', 'f', write).replayed).toBe(false);
    expect(writes).toBe(2);
    expect(() => store.run('s', 'k1', 'different', write)).toThrow(HttpProblem);
    store.run('s', 'k2', 'f', write); // third key: the oldest (s/k1) is forgotten
    expect(store.size).toBe(2);
    expect(store.run('s', 'k1', 'f', write).replayed).toBe(false);
    clock = 5000;
    expect(store.run('s', 'k2', 'f', write).replayed).toBe(false);
    expect(writes).toBe(5);
  });

  it('keeps refusals the handler threw, but not crashes', () => {
    const store = createIdempotencyStore({ ttlMs: 1000, maxKeys: 10 });
    const refuse = () => {
      throw new HttpProblem(409, 'conflict', 'no');
    };
    expect(store.run('s', 'k', 'f', refuse)).toMatchObject({
      problem: { status: 409 },
      replayed: false,
    });
    expect(store.run('s', 'k', 'f', refuse)).toMatchObject({
      problem: { status: 409 },
      replayed: true,
    });
    const crash = () => {
      throw new TypeError('bug');
    };
    expect(() => store.run('s', 'boom', 'f', crash)).toThrow(TypeError);
    expect(store.size).toBe(1);
    expect(() => store.run('s', 'bad key', 'f', crash)).toThrow(/visible ASCII/);
  });
});
