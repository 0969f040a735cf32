/** Small JSON answers the router gives without Yoga (health, 404, 413). */

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A GraphQL-shaped error answer, for failures before any GraphQL runs. */
export function graphqlErrorResponse(
  status: number,
  message: string,
  extensions: Record<string, unknown>,
): Response {
  return json(status, { errors: [{ message, extensions }] });
}
