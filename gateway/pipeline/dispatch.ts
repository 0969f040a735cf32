/**
 * The end of the pipeline: the call reaches the source. A batch of one key
 * goes to the single operation, so it makes the same one call with that
 * operation's own answer (a 404 stays SOURCE_NOT_FOUND, not a null).
 */
import { SourceError } from '../../sources/common/index.js';
import type { Call, Invoke, StreamCall, Subscribe } from './call.js';

export const dispatch: Invoke = async (call: Call) => {
  const { operation, ctx } = call;
  if (call.kind === 'single') return operation.invoke(call.args, ctx);
  const batch = operation.batch;
  if (batch === undefined) throw new TypeError(`${call.source}.${operation.name} has no batch; a batch call cannot reach it.`);
  if (call.keys.length === 1) {
    // The key's failure stays at its place (the DataLoader contract), not the whole call's.
    const answer = await operation.invoke({ ...call.args, [batch.key]: call.keyIsList ? [call.keys[0]] : call.keys[0] }, ctx).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    // A list-keyed operation that answers no row for its one key left the key out, as a batch answer
    // would (sources/common/batch.ts): not found, never an empty list that computes to a stock of 0.
    if (call.keyIsList && Array.isArray(answer) && answer.length === 0) {
      return [new SourceError({ code: 'SOURCE_NOT_FOUND', source: call.source, operation: operation.name, safeMessage: `${call.source} answered ${operation.name} without an entry for this ${batch.key}.` })];
    }
    return [answer];
  }
  return batch.invokeMany(call.keys, ctx, call.args);
};

export const dispatchStream: Subscribe = (call: StreamCall) => {
  if (call.operation.subscribe === undefined) throw new TypeError(`${call.source}.${call.operation.name} cannot be subscribed to.`);
  return call.operation.subscribe(call.args, call.ctx);
};
