import { describe, expect, it } from 'vitest';
import { documentNesting, jsonNesting } from '../../../../gateway/plugins/nesting.js';

describe('documentNesting', () => {
  it('counts {, [ and ( together', () => {
    expect(documentNesting('{ a(b: [[1]]) { c { d } } }')).toBe(4);
    expect(documentNesting('{ a }')).toBe(1);
  });

  it('ignores brackets in strings, escaped quotes, block strings and comments', () => {
    expect(documentNesting('{ a(s: "[[[\\"{{{") }')).toBe(2);
    expect(documentNesting('{ a(s: """ [[[ \\""" {{{ """) }')).toBe(2);
    expect(documentNesting('# [[[[\n{ a }')).toBe(1);
  });

  it('stops once past the limit, on a document of a million brackets', () => {
    expect(documentNesting('['.repeat(1_000_000), 64)).toBe(65);
  });
});

describe('jsonNesting', () => {
  it('measures arrays and objects without recursion', () => {
    expect(jsonNesting(1)).toBe(0);
    expect(jsonNesting({ a: [1, { b: [] }] })).toBe(4);
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(jsonNesting(deep, 64)).toBe(65);
  });
});
