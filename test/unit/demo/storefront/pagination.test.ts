import { describe, expect, it } from 'vitest';
import {
  compareIds,
  decodeCursor,
  encodeCursor,
  paginate,
  parseKeyList,
} from '../../../../demo/storefront/pagination.js';
import { HttpProblem } from '../../../../demo/storefront/problem.js';

const records = (ids: string[]): Array<{ id: string }> => ids.map((id) => ({ id }));

describe('storefront pagination', () => {
  it('sorts padded ids past their padding: cus_9999 before cus_10000', () => {
    expect(['cus_10000', 'cus_9999', 'cus_0001'].sort(compareIds)).toEqual([
      'cus_0001',
      'cus_9999',
      'cus_10000',
    ]);
  });

  it('continues after the cursor even when records were added in between', () => {
    const all = records(['a1', 'a2', 'a3', 'a4', 'a5']);
    const first = paginate(all, new URLSearchParams('limit=2'));
    expect(first.items.map((item) => item.id)).toEqual(['a1', 'a2']);
    const grown = [...all, { id: 'a6' }];
    const second = paginate(
      grown,
      new URLSearchParams({ limit: '2', cursor: first.nextCursor ?? '' }),
    );
    expect(second.items.map((item) => item.id)).toEqual(['a3', 'a4']);
    const last = paginate(
      grown,
      new URLSearchParams({ limit: '10', cursor: second.nextCursor ?? '' }),
    );
    expect(last).toEqual({ items: records(['a5', 'a6']), nextCursor: null });
  });

  it('round-trips cursors and refuses foreign ones with 400', () => {
    expect(decodeCursor(encodeCursor('ord_00042'))).toBe('ord_00042');
    for (const bad of [
      '',
      'not base64!',
      Buffer.from('before:x').toString('base64url'),
      'x'.repeat(401),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(HttpProblem);
    }
  });

  it('de-duplicates comma-separated and repeated keys, capped at 100', () => {
    expect(parseKeyList(new URLSearchParams('ids=a,b&ids=a, c,,'), 'ids')).toEqual(['a', 'b', 'c']);
    expect(parseKeyList(new URLSearchParams(''), 'ids')).toBeUndefined();
    const many = new URLSearchParams({
      ids: Array.from({ length: 101 }, (_, i) => `k${i}`).join(','),
    });
    expect(() => parseKeyList(many, 'ids')).toThrow(/at most 100/);
  });
});
