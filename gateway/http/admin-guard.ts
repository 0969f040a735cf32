/**
 * The operator's credential: what stands between ordinary callers (and
 * partners) and the gateway's own state — metrics, the write journal's
 * admin API, the operator page. One shared secret, compared in constant
 * time, sent as `Authorization: Bearer <admin token>`. With no token
 * configured, every admin path answers 404, as if it did not exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type AdminCheck = 'allowed' | 'unauthorized' | 'disabled';

/** Hashing both sides first makes the comparison constant-time whatever their lengths. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function createAdminGuard(
  token: string | null,
): (authorization: string | null | undefined) => AdminCheck {
  if (token === null) return () => 'disabled';
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    if (match === null) return 'unauthorized';
    return timingSafeEqual(digest(match[1]!), expected) ? 'allowed' : 'unauthorized';
  };
}

/** The answers of an admin path that refused: 404 when admin is off, 401 otherwise (no detail either way). */
export function adminRefusal(check: Exclude<AdminCheck, 'allowed'>): Response {
  if (check === 'disabled')
    return new Response(
      JSON.stringify({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
  return new Response(
    JSON.stringify({
      errors: [
        {
          message: 'This path needs the admin credential.',
          extensions: { code: 'ADMIN_UNAUTHORIZED' },
        },
      ],
    }),
    {
      status: 401,
      headers: {
        'content-type': 'application/json',
        'www-authenticate': 'Bearer realm="switchboard-admin"',
      },
    },
  );
}
