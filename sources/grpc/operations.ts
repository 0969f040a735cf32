/** Operation objects: arguments → request bytes → one call → the answer in the subgraph's shape. */
import {
  SourceError,
  type Args,
  type CallContext,
  type Operation,
  type OperationKind,
} from '../common/index.js';
import type { MethodModel } from './model.js';
import { toSourceError } from './status.js';
import type { Transport } from './transport.js';
import { decodeResponse, encodeRequest, InputError } from './values.js';

export interface OperationInit {
  source: string;
  method: MethodModel;
  kind: OperationKind;
  idempotent: boolean;
  /** The transport is made on first use, so a source built offline (print-subgraph) opens no channel. */
  transport: () => Transport;
}

function encode(init: OperationInit, args: Args): Uint8Array {
  try {
    return encodeRequest(init.method.request, args);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new SourceError({
      code: 'SOURCE_BAD_INPUT',
      source: init.source,
      operation: init.method.name,
      safeMessage: `${init.source}.${init.method.name}: ${error.message}`,
      cause: error,
    });
  }
}

function decode(init: OperationInit, bytes: Uint8Array): unknown {
  try {
    return decodeResponse(init.method.response, bytes);
  } catch (error) {
    throw new SourceError({
      code: 'SOURCE_BAD_RESPONSE',
      source: init.source,
      operation: init.method.name,
      safeMessage: `${init.source} answered ${init.method.name} with bytes that are not a ${init.method.responseType.name} message.`,
      cause: error,
    });
  }
}

/**
 * The answers of a server stream, decoded. A hand-made iterator rather than an
 * async generator: a generator's return() waits for the pending next(), so a
 * subscriber who leaves before the next event would keep the call open.
 */
function subscription(init: OperationInit, args: Args, ctx: CallContext): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      const request = encode(init, args);
      const stream = init.transport().serverStream(init.method.path, request, ctx);
      const inner = stream[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<unknown>> {
          let step: IteratorResult<Buffer>;
          try {
            step = await inner.next();
          } catch (error) {
            throw toSourceError(error, init.source, init.method.name);
          }
          return step.done
            ? { done: true, value: undefined }
            : { done: false, value: decode(init, step.value) };
        },
        async return(): Promise<IteratorResult<unknown>> {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

export function createOperation(init: OperationInit): Operation {
  const { method } = init;
  const operation: Operation = {
    name: method.name,
    kind: init.kind,
    idempotent: init.idempotent,
    description: method.description,
    async invoke(args: Args, ctx: CallContext): Promise<unknown> {
      if (method.streaming === 'server') {
        // Once: the first answer of the stream, then the call is cancelled.
        const iterator = subscription(init, args, ctx)[Symbol.asyncIterator]();
        try {
          const first = await iterator.next();
          return first.done ? null : first.value;
        } finally {
          await iterator.return?.();
        }
      }
      const request = encode(init, args);
      let answer: Buffer;
      try {
        answer = await init.transport().unary(method.path, request, ctx);
      } catch (error) {
        throw toSourceError(error, init.source, method.name);
      }
      return decode(init, answer);
    },
  };
  if (method.streaming === 'server')
    operation.subscribe = (args, ctx) => subscription(init, args, ctx);
  return operation;
}
