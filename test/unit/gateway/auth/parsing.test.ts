// The small parsers of tokens: the Authorization header, --ttl, --scopes, and the auth config section.
import { describe, expect, it } from 'vitest';
import {
  authorizationOfRaw,
  parseScopes,
  parseTtl,
  presentedToken,
} from '../../../../gateway/auth/index.js';
import { CONFIG_SPEC } from '../../../../gateway/config/options.js';
import { parseSpec } from '../../../../gateway/config/spec.js';

describe('presentedToken', () => {
  it('reads one bearer token, whatever the case of the scheme, and nothing else', () => {
    expect(presentedToken([])).toEqual({ kind: 'none' });
    expect(presentedToken(['Bearer abc.def.ghi'])).toEqual({
      kind: 'bearer',
      token: 'abc.def.ghi',
    });
    expect(presentedToken(['bearer  abc.def.ghi'])).toEqual({
      kind: 'bearer',
      token: 'abc.def.ghi',
    });
    expect(presentedToken(['Basic dXNlcjpwYXNz'])).toEqual({ kind: 'other-scheme' });
    expect(presentedToken(['Digest username="x"'])).toEqual({ kind: 'other-scheme' });
  });

  it('calls two headers, an oversized value, an empty or spaced token, and garbage malformed', () => {
    for (const values of [
      ['Bearer a', 'Bearer b'],
      [`Bearer ${'a'.repeat(8_200)}`],
      ['Bearer'],
      ['Bearer '],
      ['Bearer a b'],
      ['Bearer a, Bearer b'],
      ['Bearer a\tb'],
      ['Bearer é'],
      [''],
      ['{"json": 1}'],
      ['Bearer=abc'],
    ]) {
      expect(presentedToken(values)).toEqual({ kind: 'malformed' });
    }
  });

  it('finds every Authorization header among raw headers, whatever their case', () => {
    expect(
      authorizationOfRaw(['Host', 'x', 'Authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b']),
    ).toEqual(['Bearer a', 'Bearer b']);
    expect(authorizationOfRaw(['Host', 'x'])).toEqual([]);
  });
});

describe('token issue options', () => {
  it('reads ttls with a unit', () => {
    expect(parseTtl('30d')).toBe(30 * 86_400_000);
    expect(parseTtl('12h')).toBe(12 * 3_600_000);
    expect(parseTtl('15m')).toBe(900_000);
    expect(parseTtl('90s')).toBe(90_000);
    for (const bad of ['30', 'd', '-1d', '1.5d', '30 days', '1w', '9999999d', ''])
      expect(() => parseTtl(bad)).toThrow(
        expect.objectContaining({ code: 'TOKEN_REQUEST_INVALID' }),
      );
  });

  it('reads scopes separated by spaces or commas, sorted and once each', () => {
    expect(parseScopes('orders:read catalog:read,orders:read')).toEqual([
      'catalog:read',
      'orders:read',
    ]);
    for (const bad of ['', '   ', 'catalog:read <x>', 'a'.repeat(65), ':leading'])
      expect(() => parseScopes(bad)).toThrow(
        expect.objectContaining({ code: 'TOKEN_REQUEST_INVALID' }),
      );
  });
});

describe('the auth config section', () => {
  const parse = (auth: unknown) => parseSpec(CONFIG_SPEC.fields.auth, auth, 'auth');

  it('gives anonymous callers nothing and trusts no provider by default', () => {
    expect(parse(undefined)).toMatchObject({
      anonymousScopes: [],
      trustedIssuers: [],
      allowAnonymous: true,
      keySource: 'file',
      tokenStore: 'sqlite',
      clockToleranceSeconds: 30,
    });
  });

  it('fills a trusted issuer with its defaults', () => {
    expect(
      parse({
        trustedIssuers: [
          { issuer: 'https://id.example', jwksUrl: 'https://id.example/jwks', audience: 'api' },
        ],
      }).trustedIssuers,
    ).toEqual([
      {
        issuer: 'https://id.example',
        jwksUrl: 'https://id.example/jwks',
        audience: 'api',
        scopesClaim: 'scope',
        algorithms: ['RS256', 'ES256'],
        typ: null,
        jwksCooldownMs: 30_000,
      },
    ]);
  });

  it('refuses HMAC or none among algorithms, plain http away from loopback, a leeway over 60 s and bad scope names', () => {
    const provider = {
      issuer: 'https://id.example',
      jwksUrl: 'https://id.example/jwks',
      audience: 'api',
    };
    const refusals: Array<[unknown, string]> = [
      [
        { trustedIssuers: [{ ...provider, algorithms: ['HS256'] }] },
        'auth.trustedIssuers[0].algorithms',
      ],
      [
        { trustedIssuers: [{ ...provider, algorithms: ['none'] }] },
        'auth.trustedIssuers[0].algorithms',
      ],
      [
        { trustedIssuers: [{ ...provider, jwksUrl: 'http://id.example/jwks' }] },
        'auth.trustedIssuers[0].jwksUrl',
      ],
      [{ trustedIssuers: [{ ...provider, extra: 1 }] }, 'auth.trustedIssuers[0].extra'],
      [{ clockToleranceSeconds: 61 }, 'auth.clockToleranceSeconds'],
      [{ anonymousScopes: ['catalog:read', 'bad scope'] }, 'auth.anonymousScopes[1]'],
    ];
    for (const [auth, path] of refusals)
      expect(() => parse(auth)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', details: { path } }),
      );
    expect(
      parse({ trustedIssuers: [{ ...provider, jwksUrl: 'http://127.0.0.1:8080/jwks' }] })
        .trustedIssuers,
    ).toHaveLength(1);
  });
});
