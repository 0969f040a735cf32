import { describe, expect, it } from 'vitest';
import {
  parseContentType,
  refuseBodyType,
  refuseHeaderCount,
} from '../../../../gateway/http/request-guard.js';

const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;

describe('refuseBodyType', () => {
  it('lets JSON in UTF-8 through, with or without a charset, and every GET', () => {
    expect(refuseBodyType('POST', headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(
      refuseBodyType('POST', headers({ 'content-type': 'Application/JSON; Charset="UTF-8"' })),
    ).toBeUndefined();
    expect(
      refuseBodyType(
        'POST',
        headers({ 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      ),
    ).toBeUndefined();
    expect(refuseBodyType('GET', headers({}))).toBeUndefined();
  });

  it.each([
    [{}],
    [{ 'content-type': 'application/x-www-form-urlencoded' }],
    [{ 'content-type': 'multipart/form-data; boundary=x' }],
    [{ 'content-type': 'text/plain' }],
    [{ 'content-type': 'application/json; charset=utf-16' }],
    [{ 'content-type': 'application/json', 'content-encoding': 'compress' }],
    [{ 'content-type': 'application/json', 'content-encoding': 'gzip, br' }],
  ])('refuses %j with 415 REQUEST_CONTENT_TYPE_UNSUPPORTED', async (given) => {
    const refused = refuseBodyType('POST', headers(given));
    expect(refused?.status).toBe(415);
    expect(await refused?.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_CONTENT_TYPE_UNSUPPORTED' } }],
    });
  });

  it('parses a content type', () => {
    expect(parseContentType('application/json;charset=UTF-8')).toEqual({
      mediaType: 'application/json',
      charset: 'utf-8',
    });
    expect(parseContentType('text/plain')).toEqual({ mediaType: 'text/plain' });
  });
});

describe('refuseHeaderCount', () => {
  it('answers 431 past the count', () => {
    expect(refuseHeaderCount(100, 100)).toBeUndefined();
    expect(refuseHeaderCount(101, 100)?.status).toBe(431);
  });
});
