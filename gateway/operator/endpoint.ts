/**
 * The operator page's two paths. OPERATOR_PAGE_PATH serves the page to
 * anyone who can reach it while an admin credential is configured (it
 * holds nothing); OPERATOR_OVERVIEW_PATH answers its data to the admin
 * credential only, checked before anything is read, never cached.
 * Replay and discard go to the admin GraphQL API (/admin/graphql), the
 * same operator functions the CLI calls.
 */
import { adminRefusal, type AdminCheck } from '../http/admin-guard.js';
import { graphqlErrorResponse, json } from '../http/responses.js';
import type { Logger } from '../logger.js';
import { isWriteError } from '../writes/index.js';
import type { Operator } from './overview.js';
import { operatorPageResponse } from './page.js';

/** Where the operator page is served (docs/operations.md, Operator page). */
export const OPERATOR_PAGE_PATH = '/admin';
/** Where the page reads what it shows: GET, admin credential, `?partner=` filters the audit trail. */
export const OPERATOR_OVERVIEW_PATH = '/admin/overview';

export interface OperatorPage {
  /** The answer for `pathname`, or undefined when the path is not the page's. */
  answer(request: Request, pathname: string, requestId: string): Promise<Response> | undefined;
}

export function createOperatorPage(init: {
  guard: (authorization: string | null) => AdminCheck;
  operator: Operator;
  logger: Logger;
}): OperatorPage {
  const { guard, operator, logger } = init;
  const overview = async (request: Request, requestId: string): Promise<Response> => {
    const check = guard(request.headers.get('authorization'));
    if (check !== 'allowed') return adminRefusal(check);
    if (request.method !== 'GET')
      return new Response(null, { status: 405, headers: { allow: 'GET' } });
    const partner = new URL(request.url).searchParams.get('partner') ?? '';
    try {
      const body = await operator.overview(partner === '' ? {} : { partner });
      return json(200, body, { 'cache-control': 'no-store' });
    } catch (error) {
      if (isWriteError(error) && error.code === 'WRITE_QUERY_INVALID')
        return graphqlErrorResponse(400, error.safeMessage, { code: error.code });
      logger.error('The operator overview failed', { requestId, error });
      return graphqlErrorResponse(500, 'Unexpected error.', {
        code: 'INTERNAL_SERVER_ERROR',
        requestId,
      });
    }
  };
  return {
    answer(request, pathname, requestId) {
      const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
      if (path === OPERATOR_OVERVIEW_PATH) return overview(request, requestId);
      if (path !== OPERATOR_PAGE_PATH) return undefined;
      // No admin credential configured: the page does not exist either.
      const check = guard(null);
      if (check === 'disabled') return Promise.resolve(adminRefusal(check));
      return Promise.resolve(operatorPageResponse(request.method));
    },
  };
}
