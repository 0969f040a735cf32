import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../../sources/common/index.js';
import { toSourceError } from '../../../../sources/grpc/status.js';

function serviceError(
  code: Status,
  details = 'secret backend text at 10.0.0.7',
  metadata = new Metadata(),
): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

describe('gRPC status → SourceError', () => {
  it.each([
    [Status.NOT_FOUND, 'SOURCE_NOT_FOUND', false],
    [Status.UNAVAILABLE, 'SOURCE_UNAVAILABLE', true],
    [Status.DEADLINE_EXCEEDED, 'SOURCE_TIMEOUT', true],
    [Status.RESOURCE_EXHAUSTED, 'SOURCE_RATE_LIMITED', true],
    [Status.INVALID_ARGUMENT, 'SOURCE_REJECTED', false],
    [Status.FAILED_PRECONDITION, 'SOURCE_REJECTED', false],
    [Status.ALREADY_EXISTS, 'SOURCE_REJECTED', false],
    [Status.UNAUTHENTICATED, 'SOURCE_UNAUTHENTICATED', false],
    [Status.PERMISSION_DENIED, 'SOURCE_UNAUTHENTICATED', false],
    [Status.INTERNAL, 'SOURCE_UNAVAILABLE', false],
    [Status.UNIMPLEMENTED, 'SOURCE_REJECTED', false],
  ])('status %s → %s (retryable %s)', (code, expected, retryable) => {
    const error = toSourceError(serviceError(code), 'billing', 'getPrice');
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({
      code: expected,
      retryable,
      source: 'billing',
      operation: 'getPrice',
      details: { grpcCode: Status[code] },
    });
    // No internal address ever; the backend's words only for statuses that speak to the caller (issue 13, issue 14).
    expect(error.safeMessage).not.toMatch(/10\.0\.0\.7/);
    const callerClass = [
      Status.NOT_FOUND,
      Status.INVALID_ARGUMENT,
      Status.FAILED_PRECONDITION,
      Status.ALREADY_EXISTS,
    ].includes(code);
    expect(error.safeMessage.includes('secret backend text at <address>')).toBe(callerClass);
    expect(error.logDetail).toMatchObject({
      grpcCode: Status[code],
      reason: 'secret backend text at 10.0.0.7',
    });
  });

  it('reads the retry pushback as retryAfterMs', () => {
    const metadata = new Metadata();
    metadata.set('grpc-retry-pushback-ms', '1500');
    expect(
      toSourceError(serviceError(Status.RESOURCE_EXHAUSTED, 'x', metadata), 'billing', 'getPrice')
        .retryAfterMs,
    ).toBe(1500);
  });

  it('treats anything else as UNKNOWN and passes SourceErrors through', () => {
    expect(toSourceError(new TypeError('boom'), 'billing', 'op').details).toEqual({
      grpcCode: 'UNKNOWN',
    });
    const original = new SourceError({
      code: 'SOURCE_BAD_INPUT',
      source: 'billing',
      operation: 'op',
      safeMessage: 'bad',
    });
    expect(toSourceError(original, 'billing', 'op')).toBe(original);
  });
});
