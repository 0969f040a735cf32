import { describe, expect, it } from 'vitest';
import { requestIdFrom, requestIdOf } from '../../../../gateway/http/request-id.js';

describe('request ids', () => {
  it("keeps a short plain id the caller sent, from node's header value or a Request", () => {
    expect(requestIdFrom('trace-42')).toBe('trace-42');
    expect(requestIdOf(new Request('http://x/', { headers: { 'x-request-id': 'a.b:c_d' } }))).toBe(
      'a.b:c_d',
    );
  });

  it('makes a new one for a missing, odd, repeated or overlong id', () => {
    const made = [
      requestIdFrom(undefined),
      requestIdFrom(null),
      requestIdFrom('a b <script>'),
      requestIdFrom(['one', 'two']),
      requestIdFrom('x'.repeat(129)),
    ];
    for (const id of made) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(made).size).toBe(made.length);
  });
});
