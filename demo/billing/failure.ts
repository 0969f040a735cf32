/** A failed RPC: a gRPC status code and a reason for the client's logs. */
import type { status as Status } from '@grpc/grpc-js';

export class RpcFailure extends Error {
  constructor(
    readonly code: Status,
    message: string,
  ) {
    super(message);
  }
}
