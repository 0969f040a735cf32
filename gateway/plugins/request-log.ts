/**
 * Names the operation of a request for its log line (server.ts writes one
 * info line per request). Read from the parameters, before parsing: the
 * `operationName` the caller sent, or the name at the head of the document.
 * A regular expression on the document's first characters, not a parse: the
 * line must cost nothing the request does not already pay.
 */
import type { Plugin } from 'graphql-yoga';

/** What a request's line says about it, filled in while Yoga handles it. */
export interface RequestFacts {
  operation?: string;
}

const NAMED =
  /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})/;

/** The operation's name, or undefined for an anonymous one. */
export function operationNameOf(params: {
  operationName?: string | null | undefined;
  query?: string | undefined;
}): string | undefined {
  if (typeof params.operationName === 'string' && params.operationName !== '')
    return params.operationName.slice(0, 100);
  if (typeof params.query !== 'string') return undefined;
  return NAMED.exec(params.query.slice(0, 400))?.[1];
}

export function useRequestLog(): Plugin<{ requestFacts?: RequestFacts }> {
  return {
    onParams({ params, context }) {
      const facts = (context as { requestFacts?: RequestFacts }).requestFacts;
      if (facts !== undefined) facts.operation = operationNameOf(params);
    },
  };
}
