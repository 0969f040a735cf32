import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordDigest, PASSWORD_DIGEST, PASSWORD_TEXT } from '../../../../sources/soap/index.js';
import { createUsernameTokenHeader } from '../../../../sources/soap/wsse.js';
import { firstChild, parseXml } from '../../../../sources/soap/xml.js';

function readToken(header: string): Record<string, string> {
  const token = firstChild(parseXml(header), 'UsernameToken');
  const out: Record<string, string> = {};
  for (const child of token?.children ?? []) out[child.local] = child.text;
  out.type = firstChild(token ?? parseXml('<x/>'), 'Password')?.attrs.Type ?? '';
  return out;
}

describe('WS-Security UsernameToken', () => {
  it('digest = Base64(SHA-1(nonce bytes + created + password)), per the OASIS profile', () => {
    const nonce = Buffer.from('0123456789abcdef');
    const expected = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from('2026-11-24T10:00:00Z'), Buffer.from('s3cret')]))
      .digest('base64');
    expect(passwordDigest(nonce, '2026-11-24T10:00:00Z', 's3cret')).toBe(expected);
  });

  it('sends a digest that checks out, and never the password itself', () => {
    const token = readToken(
      createUsernameTokenHeader(
        { username: 'gw', password: 's3cret', passwordType: 'digest' },
        new Date('2026-11-24T10:00:00.123Z'),
      ),
    );
    expect(token).toMatchObject({
      Username: 'gw',
      Created: '2026-11-24T10:00:00Z',
      type: PASSWORD_DIGEST,
    });
    expect(token.Password).toBe(
      passwordDigest(Buffer.from(token.Nonce ?? '', 'base64'), token.Created ?? '', 's3cret'),
    );
    expect(token.Password).not.toContain('s3cret');
    expect(Buffer.from(token.Nonce ?? '', 'base64')).toHaveLength(16);
  });

  it('sends the password as text when asked, escaped', () => {
    const token = readToken(
      createUsernameTokenHeader({ username: 'a<b', password: 'p&w', passwordType: 'text' }),
    );
    expect(token).toMatchObject({ Username: 'a<b', Password: 'p&w', type: PASSWORD_TEXT });
  });

  it('uses a fresh nonce for every message', () => {
    const a = readToken(createUsernameTokenHeader({ username: 'u', password: 'p' }));
    const b = readToken(createUsernameTokenHeader({ username: 'u', password: 'p' }));
    expect(a.Nonce).not.toBe(b.Nonce);
  });
});
