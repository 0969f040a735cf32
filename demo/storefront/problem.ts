/**
 * Errors the storefront answers as application/problem+json (RFC 9457).
 * Handlers throw an HttpProblem; the server turns it into the response, so
 * no handler writes error bodies by hand.
 */

/** One field at fault in a request body. */
export interface FieldError {
  /** JSON Pointer (RFC 6901) into the body, e.g. "/lines/0/quantity". */
  pointer: string;
  detail: string;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const TYPE_BASE = 'https://problems.storefront.example/';

export class HttpProblem extends Error {
  readonly status: number;
  /** A slug naming the kind of problem, e.g. "not-found"; becomes the `type` URI. */
  readonly kind: string;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    kind: string,
    detail: string,
    extra: { errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.kind = kind;
    this.detail = detail;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  /** The problem+json body. `instance` is the request path, never a full URL. */
  toBody(instance: string): Record<string, unknown> {
    return {
      type: `${TYPE_BASE}${this.kind}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (what: string): HttpProblem =>
  new HttpProblem(404, 'not-found', `${what} does not exist.`);
export const badRequest = (detail: string): HttpProblem =>
  new HttpProblem(400, 'bad-request', detail);
export const conflict = (detail: string): HttpProblem => new HttpProblem(409, 'conflict', detail);

/** 422 listing every field at fault, so a client can fix them all in one go. */
export function invalidBody(errors: readonly FieldError[]): HttpProblem {
  const detail =
    errors.length === 1
      ? `The request body is invalid: ${errors[0]?.detail}`
      : `The request body has ${errors.length} invalid fields.`;
  return new HttpProblem(422, 'invalid-body', detail, { errors });
}

export function tooManyRequests(retryAfterSeconds: number): HttpProblem {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpProblem(429, 'rate-limited', `Too many requests; retry after ${seconds} s.`, {
    headers: { 'retry-after': String(seconds) },
  });
}
