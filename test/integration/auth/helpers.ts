/** Shared by the token tests: issuing our own tokens straight through the auth modules, and polling a bounded state change. */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ensureKeyFile,
  issueToken,
  keyRing,
  type TokenStore,
} from '../../../gateway/auth/index.js';
import type { TestGateway } from '../../harness/index.js';

export const QUERY = '{ __typename }';

export function call(gateway: TestGateway, token?: string): ReturnType<TestGateway['graphql']> {
  return gateway.graphql(QUERY, undefined, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

/** Issues a token with the key file (created on first use) and records it in `store`, as `token issue` does. */
export async function issueOwn(
  keyFile: string,
  store: TokenStore,
  request: { partner?: string; scopes?: string[]; ttlMs?: number; plan?: string } = {},
  settings = { issuer: 'switchboard', audience: 'switchboard', maxTokenTtlMs: 86_400_000 },
): Promise<{ token: string; jti: string }> {
  const ring = await keyRing(await ensureKeyFile(keyFile, Date.now()), Date.now());
  const { token, record } = await issueToken(
    {
      partner: request.partner ?? 'acme',
      scopes: request.scopes ?? ['catalog:read'],
      ttlMs: request.ttlMs ?? 3_600_000,
      ...(request.plan === undefined ? {} : { plan: request.plan }),
    },
    settings,
    ring,
    store,
  );
  return { token, jti: record.jti };
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS with any header, signed with HMAC-SHA256 under `secret` (or with `signature` as given). */
export function handMade(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signing: { secret: string } | { signature: string },
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature =
    'secret' in signing
      ? createHmac('sha256', signing.secret).update(input).digest('base64url')
      : signing.signature;
  return `${input}.${signature}`;
}

/**
 * Polls `check` until it holds, for a state that changes within a documented
 * bound (a revocation, a key reload). The limit is a safety net against a
 * hang; the test asserts the state, never the time taken.
 */
export async function eventually(
  check: () => Promise<boolean>,
  attempts = 100,
  pauseMs = 100,
): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check()) return true;
    await sleep(pauseMs);
  }
  return false;
}
