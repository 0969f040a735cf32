/**
 * One GraphQL request over HTTP with fetch, and the answer narrowed from
 * `unknown`: the only place the client touches the network. Hand-written
 * because it is twenty lines of fetch; a frontend that already runs a
 * GraphQL client (urql, Apollo) passes the same typed documents to it instead.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

/** One entry of a GraphQL response's `errors`: which field failed and, in `extensions`, which system and why. */
export interface CommerceGraphQLError {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
  /** Switchboard sets `code`, `source` and `operation` here when a system of record failed. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * A typed answer. `data` is there even when some fields failed: those fields
 * are null and `errors` says why (Switchboard fails per field, not per request).
 */
export interface CommerceResult<TData> {
  readonly data: TData;
  readonly errors: readonly CommerceGraphQLError[];
}

export type CommerceClientErrorCode =
  /** No answer within `timeoutMs`. */
  | 'CLIENT_TIMEOUT'
  /** The gateway could not be reached. */
  | 'CLIENT_UNREACHABLE'
  /** The answer was not a GraphQL response (a proxy's error page, say). */
  | 'CLIENT_BAD_RESPONSE'
  /** A GraphQL response without data: the request was refused (validation, auth, limits); see `errors`. */
  | 'CLIENT_NO_DATA';

/** Thrown when a request has no data to give back; `code` says why. */
export class CommerceClientError extends Error {
  override readonly name = 'CommerceClientError';
  readonly code: CommerceClientErrorCode;
  /** The HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** The GraphQL errors, when the answer had any. */
  readonly errors: readonly CommerceGraphQLError[];

  constructor(init: {
    code: CommerceClientErrorCode;
    message: string;
    status?: number;
    errors?: readonly CommerceGraphQLError[];
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.errors = init.errors ?? [];
  }
}

/** How requests are sent. */
export interface RequestSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function narrowErrors(value: unknown): CommerceGraphQLError[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const errors: CommerceGraphQLError[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry['message'] !== 'string') return undefined;
    const path = Array.isArray(entry['path'])
      ? entry['path'].filter(
          (part): part is string | number => typeof part === 'string' || typeof part === 'number',
        )
      : undefined;
    const extensions = isRecord(entry['extensions']) ? entry['extensions'] : undefined;
    errors.push({
      message: entry['message'],
      ...(path ? { path } : {}),
      ...(extensions ? { extensions } : {}),
    });
  }
  return errors;
}

/**
 * Sends `document` with `variables` and returns its typed data. The shape of
 * `data` is trusted to match the document: the gateway executed it against
 * the schema the types were generated from (`npm run codegen:check` keeps the
 * two in step). Throws CommerceClientError when there is no data.
 */
export async function sendRequest<TData, TVariables>(
  settings: RequestSettings,
  document: DocumentTypeDecoration<TData, TVariables>,
  variables: TVariables,
): Promise<CommerceResult<TData>> {
  let response: Response;
  let text: string;
  try {
    response = await settings.fetch(settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...settings.headers,
      },
      body: JSON.stringify({ query: String(document), variables }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new CommerceClientError({
      code: timedOut ? 'CLIENT_TIMEOUT' : 'CLIENT_UNREACHABLE',
      message: timedOut
        ? `No answer within ${settings.timeoutMs} ms.`
        : 'The commerce gateway could not be reached.',
      cause: error,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const errors = isRecord(body) ? narrowErrors(body['errors']) : undefined;
  if (!isRecord(body) || errors === undefined || !('data' in body || errors.length > 0)) {
    throw new CommerceClientError({
      code: 'CLIENT_BAD_RESPONSE',
      message: `The gateway answered HTTP ${response.status} without a GraphQL response.`,
      status: response.status,
    });
  }
  const data = body['data'];
  if (!isRecord(data)) {
    const first = errors[0]?.message ?? 'no data and no errors';
    throw new CommerceClientError({
      code: 'CLIENT_NO_DATA',
      message: `The request was refused: ${first}`,
      status: response.status,
      errors,
    });
  }
  return { data: data as TData, errors };
}
