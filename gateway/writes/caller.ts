/**
 * Where the request's caller (gateway/auth/caller.ts, built at the edge)
 * meets the journal's (model.ts, stored with every write and audit entry).
 * The journal keeps only what the audit trail needs to say who: the
 * caller's id (a token's id, never the token), the partner, and the request.
 */
import type { Caller as RequestCaller } from '../auth/caller.js';
import type { Caller } from './model.js';

/** The journal's record of who asked: identity null for anonymous callers (their keys share one scope). */
export function journalCaller(
  caller: Pick<RequestCaller, 'kind' | 'id' | 'partner'>,
  requestId: string,
): Caller {
  return {
    identity: caller.kind === 'anonymous' ? null : caller.id,
    requestId,
    ...(caller.partner === undefined ? {} : { partner: caller.partner }),
  };
}

/** How the operator's tools name a caller: its identity, or "anonymous". */
export function callerName(caller: Caller): string {
  return caller.identity ?? 'anonymous';
}
