import { describe, expect, it } from 'vitest';
import { parseStoredEntry } from '../../../../gateway/cache/stored-entry.js';

const entry = { value: { a: 1 }, storedAt: 1, freshUntil: 2, staleUntil: 3, tags: ['P:1', 'P:2'] };

describe('parseStoredEntry: whatever a store hands back is narrowed, anything else is a miss', () => {
  it('accepts an entry with one version per tag', () => {
    expect(parseStoredEntry({ e: entry, v: ['x', 'y'] })).toEqual({ e: entry, v: ['x', 'y'] });
    expect(
      parseStoredEntry({ e: { ...entry, value: null, notFound: true, tags: [] }, v: [] })?.e
        .notFound,
    ).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'e:k'],
    ['no versions', { e: entry }],
    ['fewer versions than tags', { e: entry, v: ['x'] }],
    ['a version that is not a string', { e: entry, v: ['x', 2] }],
    ['no value', { e: { ...entry, value: undefined, tags: [] }, v: [] }],
    ['a staleUntil that is not a number', { e: { ...entry, staleUntil: '3' }, v: ['x', 'y'] }],
    [
      'an infinite freshUntil',
      { e: { ...entry, freshUntil: Number.POSITIVE_INFINITY }, v: ['x', 'y'] },
    ],
    ['tags that are not strings', { e: { ...entry, tags: [1, 2] }, v: ['x', 'y'] }],
    ['a notFound that is not a boolean', { e: { ...entry, notFound: 'yes' }, v: ['x', 'y'] }],
  ])('refuses %s', (_, value) => {
    const parsed = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    expect(parseStoredEntry(parsed)).toBeUndefined();
  });
});
