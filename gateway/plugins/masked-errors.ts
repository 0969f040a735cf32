/**
 * What an error looks like to a caller. Switchboard errors show their safe
 * message and code; GraphQL's own errors (validation, parsing) pass as they
 * are; anything else is logged in full and reaches the caller as
 * "Unexpected error." with the request's id, so support can find the log line.
 */
import { GraphQLError } from 'graphql';
import { handleStreamOrSingleExecutionResult } from '@envelop/core';
import { maskError as yogaMaskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import { SwitchboardError } from '../../sources/common/index.js';
import { toGraphQLError } from '../errors.js';
import type { Logger } from '../logger.js';

export const UNEXPECTED_MESSAGE = 'Unexpected error.';

/** A masked error for the caller, after logging the real one with its stack. */
export function unexpectedError(
  error: unknown,
  requestId: string | undefined,
  logger: Logger,
  base?: GraphQLError,
): GraphQLError {
  logger.error('Unexpected error while handling a request', {
    requestId,
    error,
    path: base?.path?.join('.'),
  });
  return new GraphQLError(UNEXPECTED_MESSAGE, {
    nodes: base?.nodes,
    source: base?.source,
    positions: base?.positions,
    path: base?.path,
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      ...(requestId === undefined ? {} : { requestId }),
    },
  });
}

/** Turns one error into what the caller may see; `requestId` names the log line of a masked one. */
function exposeOrMask(
  error: Error,
  requestId: string | undefined,
  logger: Logger,
  isDev: boolean,
): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof SwitchboardError) {
    const exposed = toGraphQLError(original);
    if (!(error instanceof GraphQLError)) return exposed;
    return new GraphQLError(exposed.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: exposed.extensions,
    });
  }
  // Yoga's own rule: a GraphQLError raised on purpose (not wrapping a thrown Error) is for the caller.
  const passed = yogaMaskError(error, UNEXPECTED_MESSAGE, isDev);
  if (passed === error) return error;
  return unexpectedError(
    original,
    requestId,
    logger,
    error instanceof GraphQLError ? error : undefined,
  );
}

/**
 * Masks the errors of an execution with the request's id at hand (read from
 * the context, which is why this is a plugin and not only Yoga's maskError,
 * whose callback sees no context). Runs before Yoga's own masking, which
 * stays as the backstop for errors raised outside execution.
 */
export function useRequestErrorMasking(logger: Logger): Plugin<{ requestId?: string }> {
  return {
    onExecute({ args }) {
      const requestId = args.contextValue.requestId;
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            if (result.errors === undefined || result.errors.length === 0) return;
            setResult({
              ...result,
              errors: result.errors.map((error) =>
                exposeOrMask(error, requestId, logger, false),
              ) as GraphQLError[],
            });
          });
        },
      };
    },
  };
}

/** Yoga's `maskedErrors` option: the backstop for errors raised outside execution, where no request id is at hand. */
export function createMaskedErrors(
  logger: Logger,
): NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean>> {
  return {
    maskError: (error, _message, isDev) =>
      exposeOrMask(error as Error, undefined, logger, isDev ?? false),
  };
}
