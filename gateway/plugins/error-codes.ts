/**
 * The last look at every answer's errors before they are written: each one
 * gets an `extensions.code` (graphql-js words variable coercion errors
 * without one; Yoga's request errors have theirs), and `originalError`,
 * which Yoga attaches to some request errors with the underlying parser's
 * message (quoting the body), is dropped.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { mapAsyncIterator } from '@graphql-tools/utils';
import type { Plugin } from 'graphql-yoga';

/** The code for an error that came without one: variable coercion is the caller's input, the rest a bad request. */
function codeFor(error: GraphQLError): string {
  return /^Variable "\$/.test(error.message) ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

function coded(error: GraphQLError): GraphQLError {
  const { originalError, ...extensions } = error.extensions as Record<string, unknown>;
  if (typeof extensions.code === 'string' && originalError === undefined) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      ...extensions,
      code: typeof extensions.code === 'string' ? extensions.code : codeFor(error),
    },
  });
}

function withCodes<T extends ExecutionResult>(result: T): T {
  if (result.errors === undefined || result.errors.length === 0) return result;
  return {
    ...result,
    errors: result.errors.map((error) => (error instanceof GraphQLError ? coded(error) : error)),
  };
}

export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(withCodes));
      // Each event of a stream (subscriptions over SSE) gets the same pass; they were written uncoded.
      // mapAsyncIterator forwards return() at once, so a caller who leaves closes the upstream stream
      // without waiting for its next event (an async generator would wait).
      else if (Symbol.asyncIterator in result) setResult(mapAsyncIterator(result, withCodes));
      else setResult(withCodes(result));
    },
  };
}
