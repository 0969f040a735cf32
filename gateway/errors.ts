/**
 * Errors the gateway itself raises, and the one way any Switchboard error
 * leaves towards a caller: `toGraphQLError`.
 */
import { GraphQLError } from 'graphql';
import { SourceError, SwitchboardError, type SafeDetails } from '../sources/common/index.js';

/** Every GatewayErrorCode at run time; docs/errors.md is checked against it. */
export const GATEWAY_ERROR_CODES = Object.freeze([
  'CONFIG_INVALID',
  'COMPOSITION_FAILED',
  'BINDING_VALUE_INVALID',
  'REQUEST_TIMEOUT',
  'REQUEST_TOO_LARGE',
  'REQUEST_INVALID',
  'REQUEST_CONTENT_TYPE_UNSUPPORTED',
  'REQUEST_HEADERS_TOO_LARGE',
  'BAD_USER_INPUT',
  'LIMIT_NESTING_EXCEEDED',
  'SUBSCRIPTION_LIMIT_EXCEEDED',
  'LIMIT_DEPTH_EXCEEDED',
  'LIMIT_ALIASES_EXCEEDED',
  'LIMIT_COST_EXCEEDED',
  'LIMIT_TOKENS_EXCEEDED',
  'ADMIN_UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'LIMIT_REPRESENTATIONS_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
  // Tokens (gateway/auth, docs/partners.md).
  'AUTH_TOKEN_MISSING',
  'AUTH_TOKEN_INVALID',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_TOKEN_REVOKED',
  'AUTH_HEADER_INVALID',
  'AUTH_ISSUER_UNAVAILABLE',
  'AUTH_KEYS_UNAVAILABLE',
  'TOKEN_REQUEST_INVALID',
  'TOKEN_NOT_FOUND',
  'TOKEN_STORE_UNAVAILABLE',
  // Partners' data and operations (docs/partners.md).
  'NOT_FOUND',
  'PERSISTED_OPERATION_REQUIRED',
  'PERSISTED_OPERATION_NOT_FOUND',
] as const);

export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/** A failure decided by the gateway (bad config, a limit, a deadline). */
export class GatewayError extends SwitchboardError {
  readonly code: GatewayErrorCode;
  /** Facts a caller may see in `extensions`, e.g. `{ path: "limits.maxDepth" }`. */
  readonly details: SafeDetails;

  constructor(init: {
    code: GatewayErrorCode;
    safeMessage: string;
    details?: SafeDetails;
    cause?: unknown;
  }) {
    super(init.safeMessage, { cause: init.cause });
    this.code = init.code;
    this.details = init.details ?? {};
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/**
 * The caller's view of a Switchboard error: `message` is the safe message,
 * `extensions` hold the code and the safe details. `cause` stays behind, so
 * no URL, stack or backend body can travel.
 */
export function toGraphQLError(error: SwitchboardError): GraphQLError {
  if (error instanceof SourceError) {
    return new GraphQLError(error.safeMessage, {
      extensions: {
        ...error.details,
        code: error.code,
        source: error.source,
        operation: error.operation,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      },
    });
  }
  if (error instanceof GatewayError) {
    return new GraphQLError(error.safeMessage, {
      extensions: { ...error.details, code: error.code },
    });
  }
  const extensions: Record<string, unknown> = { code: error.code };
  // ContractError and other subclasses: show the fields that are safe by construction.
  const { source } = error as { source?: unknown };
  if (typeof source === 'string') extensions.source = source;
  return new GraphQLError(error.safeMessage, { extensions });
}
