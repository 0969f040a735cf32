import { describe, expect, it } from 'vitest';
import { canonicalJson, inputHash, stepKey } from '../../../../gateway/writes/index.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 1 }, 'x'], é: null, A: true })).toBe(
      '{"A":true,"a":[{"c":1,"d":2},"x"],"b":1,"é":null}',
    );
  });

  it('writes strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson(['\u0000"\\', 1e21, -0.5, 0.1])).toBe(
      JSON.stringify(['\u0000"\\', 1e21, -0.5, 0.1]),
    );
  });
});

describe('inputHash', () => {
  it('is the same for the same input in another field order, and differs by mutation and by input', () => {
    const hash = inputHash('placeOrder', { a: 1, b: { c: 2, d: 3 } });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(inputHash('placeOrder', { b: { d: 3, c: 2 }, a: 1 })).toBe(hash);
    expect(inputHash('cancelOrder', { a: 1, b: { c: 2, d: 3 } })).not.toBe(hash);
    expect(inputHash('placeOrder', { a: 1, b: { c: 2, d: 4 } })).not.toBe(hash);
    expect(inputHash('placeOrder', { a: '1', b: { c: 2, d: 3 } })).not.toBe(hash);
  });
});

describe('stepKey', () => {
  it('differs by write, step and direction, and fits an HTTP header', () => {
    const keys = ['w1', 'w2'].flatMap((write) =>
      [0, 1].flatMap((index) =>
        (['do', 'undo'] as const).map((kind) => stepKey(write, index, kind)),
      ),
    );
    expect(new Set(keys).size).toBe(8);
    expect(keys.every((key) => /^[\x21-\x7e]{1,255}$/.test(key))).toBe(true);
    expect(stepKey('w1', 0, 'do')).toBe(stepKey('w1', 0, 'do'));
  });
});
