/**
 * What an error looks like to a caller. Switchboard errors show their safe
 * message and code; GraphQL's own errors (validation, parsing) pass as they
 * are; anything else is logged in full and reaches the caller as
 * "Unexpected error." with the request's id, so support can find the log line.
 */
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type YogaServerOptions } from 'graphql-yoga';
import { SwitchboardError } from '../../sources/common/index.js';
import { toGraphQLError } from '../errors.js';
import type { Logger } from '../logger.js';

export const UNEXPECTED_MESSAGE = 'Unexpected error.';

/** A masked error for the caller, after logging the real one with its stack. */
export function unexpectedError(error: unknown, requestId: string | undefined, logger: Logger, base?: GraphQLError): GraphQLError {
  logger.error('Unexpected error while handling a request', { requestId, error, path: base?.path?.join('.') });
  return new GraphQLError(UNEXPECTED_MESSAGE, {
    nodes: base?.nodes,
    source: base?.source,
    positions: base?.positions,
    path: base?.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId === undefined ? {} : { requestId }) },
  });
}

/** Yoga's `maskedErrors` option; `currentRequestId` reads the id of the request being served. */
export function createMaskedErrors(logger: Logger, currentRequestId: () => string | undefined): NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean>> {
  return {
    maskError(error, message, isDev) {
      const original = error instanceof GraphQLError ? error.originalError : error;
      if (original instanceof SwitchboardError) {
        const exposed = toGraphQLError(original);
        if (!(error instanceof GraphQLError)) return exposed;
        return new GraphQLError(exposed.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: exposed.extensions });
      }
      // Yoga's own rule: a GraphQLError raised on purpose (not wrapping a thrown Error) is for the caller.
      const passed = yogaMaskError(error, message, isDev);
      if (passed === error) return error as Error;
      return unexpectedError(original, currentRequestId(), logger, error instanceof GraphQLError ? error : undefined);
    },
  };
}
