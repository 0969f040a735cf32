/**
 * The coded errors of tokens. Every message is safe to show: it never holds
 * the token, a claim, a key or a store URL; what went wrong in detail stays
 * in `cause`, which never leaves the process.
 */
import { GatewayError, type GatewayErrorCode } from '../errors.js';

export type AuthErrorCode = Extract<GatewayErrorCode, `AUTH_${string}` | `TOKEN_${string}`>;

export function authError(code: AuthErrorCode, safeMessage: string, cause?: unknown): GatewayError {
  return new GatewayError({ code, safeMessage, cause });
}

export function storeUnavailable(engine: string, cause: unknown): GatewayError {
  return authError(
    'TOKEN_STORE_UNAVAILABLE',
    `The token registry (${engine}) cannot be reached or opened.`,
    cause,
  );
}
