import { describe, expect, it } from 'vitest';
import { decode, ValueCount, ValueLimitError } from '../../../../sources/rest/codec.js';
import { scalar, type ObjectShape, type TypeRef } from '../../../../sources/rest/shapes.js';
import { decodeInSlices } from '../../../../sources/rest/sliced-decode.js';

const item: ObjectShape = {
  kind: 'object',
  name: 'Item',
  input: false,
  fields: [
    { name: 'id', wireName: 'id', type: { shape: scalar('Int'), nonNull: true } },
    {
      name: 'firstName',
      wireName: 'first-name',
      type: { shape: scalar('String'), nonNull: false },
    },
    {
      name: 'tags',
      wireName: 'tags',
      type: {
        shape: { kind: 'list', of: { shape: scalar('String'), nonNull: true } },
        nonNull: false,
      },
    },
  ],
};
const page: TypeRef = {
  nonNull: false,
  shape: {
    kind: 'object',
    name: 'Page',
    input: false,
    fields: [
      { name: 'total', wireName: 'total', type: { shape: scalar('Int'), nonNull: true } },
      {
        name: 'items',
        wireName: 'items',
        type: { shape: { kind: 'list', of: { shape: item, nonNull: true } }, nonNull: true },
      },
    ],
  },
};
const wrong = (field: string, expected: string, got: string): Error =>
  new Error(`${got} in ${field}, ${expected} expected`);
/** n items; every 7th has a wrong id, every 5th no name, every 3rd two tags. */
const answer = (n: number): unknown => ({
  total: n,
  items: Array.from({ length: n }, (_, i) => ({
    id: i % 7 === 0 ? `x${i}` : i,
    ...(i % 5 === 0 ? {} : { 'first-name': `n${i}` }),
    tags: i % 3 === 0 ? ['a', 'b'] : [],
    undeclared: { big: [1, 2, 3] },
  })),
});

describe('mapping a big answer in slices', () => {
  it('maps exactly what decode maps, counts the same values, and lets the event loop turn between slices', async () => {
    // Each mapping gets its own answer: decode maps in place, as it may with a fresh JSON.parse result.
    const whole = new ValueCount(Number.MAX_SAFE_INTEGER);
    const expected = decode(page, answer(6_000), wrong, 'result', whole);
    let ticks = 0;
    let done = false;
    const tick = (): void => {
      ticks += 1;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const sliced = new ValueCount(Number.MAX_SAFE_INTEGER);
    const got = await decodeInSlices(page, answer(6_000), wrong, sliced);
    done = true;
    expect(got).toEqual(expected);
    expect(sliced.seen).toBe(whole.seen);
    // 6,000 items of 3–6 values each: six slices or more of 4,000 values, each followed by a turn.
    expect(whole.seen).toBeGreaterThan(24_000);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(whole.seen / 4_000) - 1);
  });

  it('stops at the bound, and maps a short answer without waiting', async () => {
    const over = new ValueCount(1_000);
    await expect(decodeInSlices(page, answer(10_000), wrong, over)).rejects.toBeInstanceOf(
      ValueLimitError,
    );
    expect(over.seen).toBe(1_001);
    expect(() => decode(page, answer(10_000), wrong, 'result', new ValueCount(1_000))).toThrow(
      ValueLimitError,
    );

    const count = new ValueCount(1_000);
    const top: TypeRef = {
      nonNull: false,
      shape: { kind: 'list', of: { shape: item, nonNull: true } },
    };
    const short = [{ id: 1, 'first-name': 'a', tags: ['t'] }, null];
    expect(await decodeInSlices(top, short, wrong, count)).toEqual([
      { id: 1, firstName: 'a', tags: ['t'] },
      null,
    ]);
    // The list, the object, its id, name, tag list and tag: null counts nothing.
    expect(count.seen).toBe(6);
  });
});
