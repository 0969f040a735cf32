/**
 * /admin/graphql: the admin API's door. The admin credential is checked
 * first, before the body is read or anything is parsed, so a caller without
 * it learns nothing (404 when admin is off, 401 otherwise) and costs
 * nothing. Behind it, the same body, nesting, depth and cost limits as the
 * public endpoint, and no playground.
 */
import { createYoga } from 'graphql-yoga';
import type { ResolvedConfig } from '../config/index.js';
import { adminRefusal, createAdminGuard } from '../http/admin-guard.js';
import { limitBody } from '../http/body-limit.js';
import { refuseBodyType } from '../http/request-guard.js';
import type { Logger } from '../logger.js';
import { useCrossSite } from '../plugins/cross-site.js';
import { useErrorCodes } from '../plugins/error-codes.js';
import { useLimits } from '../plugins/limits.js';
import { createMaskedErrors, useRequestErrorMasking } from '../plugins/masked-errors.js';
import { useNestingLimit } from '../plugins/nesting.js';
import { createAdminSchema, type AdminWrites } from './schema.js';

export const ADMIN_GRAPHQL_PATH = '/admin/graphql';

export interface AdminApi {
  /** Answers one request to ADMIN_GRAPHQL_PATH, whoever sent it. */
  fetch(request: Request, requestId: string): Promise<Response>;
  dispose(): Promise<void>;
}

export function createAdminApi(init: {
  config: ResolvedConfig;
  logger: Logger;
  writes: AdminWrites | undefined;
}): AdminApi {
  const { config, logger, writes } = init;
  const guard = createAdminGuard(config.admin.token);
  const yoga =
    writes === undefined
      ? undefined
      : createYoga<{ requestId: string }>({
          schema: createAdminSchema(writes),
          graphqlEndpoint: ADMIN_GRAPHQL_PATH,
          landingPage: false,
          graphiql: false,
          // limitBody below already bounded the body.
          maxRequestBodySize: false,
          maskedErrors: createMaskedErrors(logger),
          logging: false,
          // Never from a browser page of another origin: no CORS headers at all.
          cors: false,
          plugins: [
            useCrossSite(),
            useNestingLimit(config.limits),
            useLimits(config.limits),
            useRequestErrorMasking(logger),
            useErrorCodes(),
          ],
        });
  return {
    async fetch(request, requestId) {
      const check = guard(request.headers.get('authorization'));
      if (check !== 'allowed') return adminRefusal(check);
      // With admin on, createGateway opened the journal; undefined only if that is ever changed.
      if (yoga === undefined) return adminRefusal('disabled');
      const refused = refuseBodyType(request.method, (name) => request.headers.get(name));
      if (refused !== undefined) return refused;
      const limited = await limitBody(request, config.limits.maxBodyBytes);
      if (limited instanceof Response) return limited;
      return yoga.fetch(limited, { requestId });
    },
    async dispose() {
      await yoga?.dispose();
    },
  };
}
