/**
 * POST /oauth/token, the client-credentials grant (RFC 6749 §4.4). Its errors
 * are RFC 6749 §5.2 JSON (`{ "error": "invalid_client" }`), not problem+json,
 * because that is what OAuth clients parse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBasic, type AuthGuard } from '../auth.js';
import { mediaTypeOf } from '../body.js';
import { sendPlainJson } from '../respond.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  auth: AuthGuard,
): void {
  const fail = (
    status: number,
    error: string,
    description: string,
    headers: Record<string, string> = {},
  ): void =>
    sendPlainJson(
      res,
      status,
      { error, error_description: description },
      { ...NO_STORE, ...headers },
    );
  if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
    return fail(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(raw.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') {
    return fail(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  }
  const basic = parseBasic(req.headers.authorization, true);
  const clientId = basic?.id ?? form.get('client_id');
  const clientSecret = basic?.secret ?? form.get('client_secret');
  const token =
    clientId === null || clientSecret === null
      ? undefined
      : auth.issueToken(clientId, clientSecret, form.get('scope') ?? undefined);
  if (token === undefined) {
    return fail(401, 'invalid_client', 'Client authentication failed.', {
      'www-authenticate': 'Basic realm="storefront"',
    });
  }
  sendPlainJson(res, 200, token, NO_STORE);
}
