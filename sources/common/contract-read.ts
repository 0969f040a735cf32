/**
 * Why a contract could not be read, in one wording for every kind of source
 * (issue 13): a missing file names its path, a refused connection or an HTTP
 * status names the URL, refused reflection names the address. A ContractError
 * is read by the operator at start-up and never reaches a caller, so paths
 * and addresses are shown; a URL is shown without its credentials, query or
 * fragment, which can carry secrets.
 */
import { ContractError } from './errors.js';

/** A contract document answered with another status than 200. Thrown by the readers, described here. */
export class ContractHttpStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** The first `code` along an error's cause chain (fs, undici and our SourceErrors nest them). */
function codeOf(error: unknown, depth = 0): string | number | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return codeOf(cause, depth + 1);
}

function find<T>(
  error: unknown,
  match: (candidate: unknown) => candidate is T,
  depth = 0,
): T | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  if (match(error)) return error;
  return find((error as { cause?: unknown }).cause, match, depth + 1);
}

/** A URL as it may be shown: scheme, host, port and path; a path or address as given. */
export function shownLocation(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location.slice(0, 300);
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 300);
  } catch {
    return 'the contract URL';
  }
}

/**
 * The reason, as the end of "The contract of <source> could not be read: …".
 * `location` is the file path or URL that was read.
 */
export function contractReadReason(cause: unknown, location: string): string {
  const shown = shownLocation(location);
  const status = find(cause, (e): e is ContractHttpStatus => e instanceof ContractHttpStatus);
  if (status !== undefined) return `${shown} answered HTTP ${status.status}`;
  switch (codeOf(cause)) {
    case 'ENOENT':
      return contractNotFound(location);
    case 'EISDIR':
      return `${shown} is a folder, not a file`;
    case 'EACCES':
    case 'EPERM':
      return `${shown} may not be read (permission denied)`;
    case 'ECONNREFUSED':
      return `the connection to ${shown} was refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${shown} was not found`;
    default:
      return `${shown} could not be read`;
  }
}

/** The reason for a file that is not there, for readers that look before they read. */
export function contractNotFound(path: string): string {
  return `${shownLocation(path)} was not found`;
}

/**
 * The reason reflection failed, as the end of the same sentence.
 * `grpcCode` is the gRPC status of the last attempt (12 UNIMPLEMENTED: the
 * server does not offer reflection; 14 UNAVAILABLE: nothing answered).
 */
export function reflectionReadReason(grpcCode: number | undefined, address: string): string {
  if (grpcCode === 12)
    return `gRPC server reflection was refused by ${address} (it does not offer it)`;
  if (grpcCode === 14) return `the connection to ${address} for gRPC server reflection was refused`;
  return `gRPC server reflection at ${address} failed`;
}

/** CONTRACT_UNREADABLE with the one wording: "The contract of <source> could not be read: <reason>." */
export function contractUnreadable(init: {
  source: string;
  reason: string;
  location?: string;
  cause?: unknown;
}): ContractError {
  return new ContractError({
    code: 'CONTRACT_UNREADABLE',
    source: init.source,
    safeMessage: `The contract of ${init.source} could not be read: ${init.reason}.`,
    ...(init.location === undefined ? {} : { location: shownLocation(init.location) }),
    cause: init.cause,
  });
}
