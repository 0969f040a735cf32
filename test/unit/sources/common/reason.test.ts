import { describe, expect, it } from 'vitest';
import { callerReason, logReason, withReason } from '../../../../sources/common/index.js';

describe('callerReason: what a caller may read of a backend reason', () => {
  it.each([
    ['a URL', 'see https://wiki.corp.example.com/errors?id=7 for help', 'see <address> for help'],
    [
      'an IPv4 address with its port',
      'upstream 10.0.3.7:5432 refused it',
      'upstream <address> refused it',
    ],
    [
      'an IPv6 address',
      'peer fe80::1ff:fe23:4567:890a is not allowed',
      'peer <address> is not allowed',
    ],
    ['an internal host name', 'db-01.prod.internal timed out', '<address> timed out'],
    ['a host:port', 'redis:6379 is unreachable', '<address> is unreachable'],
    ['a file path and a stack frame', 'failed at /srv/app/lib/orders.js:42:7', 'failed at <path>'],
    [
      'a bearer token',
      'header was Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      'header was Bearer <redacted>',
    ],
    [
      'a password after its name',
      'login failed for password=hunter2 user',
      'login failed for password=<redacted> user',
    ],
    ['an API key after its name', 'bad api_key: "k-123" given', 'bad api_key: "<redacted>" given'],
    ['a long key-shaped run', `key ${'a1B2'.repeat(12)} expired`, 'key <redacted> expired'],
    ['an e-mail address', 'ops@corp.example.com was paged', '<address> was paged'],
  ])('removes %s', (_what, raw, cleaned) => {
    expect(callerReason(raw)).toBe(cleaned);
  });

  it('keeps a plain reason as it is', () => {
    expect(callerReason('The cursor is not valid; pass nextCursor from the previous page.')).toBe(
      'The cursor is not valid; pass nextCursor from the previous page.',
    );
  });

  it('bounds the length and removes control characters and line breaks', () => {
    const reason = callerReason(`line one\r\nline\u0000two\u202e ${'word '.repeat(500)}`) ?? '';
    expect(reason.length).toBeLessThanOrEqual(201);
    expect(reason).toMatch(/^line one line two word/);
    expect(reason).not.toMatch(/[\r\n\u0000\u202e]/);
  });

  it('gives nothing when nothing readable is left', () => {
    expect(callerReason('http://10.0.0.1:8080/x')).toBeUndefined();
    expect(callerReason(undefined)).toBeUndefined();
    expect(callerReason('   ')).toBeUndefined();
  });
});

describe('logReason: what the log may keep', () => {
  it('keeps addresses, removes secrets, bounds the length', () => {
    expect(
      logReason('db-01.corp.internal:5432 said password=hunter2 Authorization: Basic dXNlcjpwYXNz'),
    ).toBe('db-01.corp.internal:5432 said password=<redacted> Authorization: Basic <redacted>');
    expect(logReason('<wsse:Password>s3cret</wsse:Password> rejected')).toBe('<redacted> rejected');
    expect(logReason('x'.repeat(10_000))?.length).toBeLessThanOrEqual(2001);
  });
});

describe('withReason', () => {
  it('joins the sentence and the reason with one full stop', () => {
    expect(withReason('storefront answered listProducts with HTTP 400.', 'bad cursor')).toBe(
      'storefront answered listProducts with HTTP 400: bad cursor.',
    );
    expect(withReason('x answered.', 'done!')).toBe('x answered: done!');
    expect(withReason('x answered.', undefined)).toBe('x answered.');
  });
});
