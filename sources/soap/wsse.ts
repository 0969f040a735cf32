/**
 * WS-Security UsernameToken (OASIS Web Services Security UsernameToken
 * Profile 1.0/1.1): a SOAP header with the username and either the password
 * as text or a digest: Base64(SHA-1(nonce + created + password)), where the
 * nonce is the raw random bytes (sent Base64-encoded) and created is the
 * UTC timestamp also sent in wsu:Created. A fresh nonce per message lets the
 * server refuse replays.
 */
import { createHash, randomBytes } from 'node:crypto';
import { escapeXml } from './xml.js';

export const WSSE_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
export const PASSWORD_TEXT = `${PROFILE}#PasswordText`;
export const PASSWORD_DIGEST = `${PROFILE}#PasswordDigest`;
const BASE64_BINARY =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface UsernameTokenOptions {
  username: string;
  password: string;
  /** @default 'digest' */
  passwordType?: 'text' | 'digest';
}

/** The digest the profile defines; exported so tests and servers can check a token. */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

/** One `wsse:Security` header block, new nonce and timestamp each call. */
export function createUsernameTokenHeader(
  options: UsernameTokenOptions,
  now: Date = new Date(),
): string {
  const nonce = randomBytes(16);
  // Seconds precision with Z, the form the profile's examples and most servers expect.
  const created = `${now.toISOString().slice(0, 19)}Z`;
  const digest = (options.passwordType ?? 'digest') === 'digest';
  const password = digest
    ? passwordDigest(nonce, created, options.password)
    : escapeXml(options.password);
  return (
    `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(options.username)}</wsse:Username>` +
    `<wsse:Password Type="${digest ? PASSWORD_DIGEST : PASSWORD_TEXT}">${password}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}
