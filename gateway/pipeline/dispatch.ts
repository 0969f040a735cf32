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
  if (batch === undefined)
    throw new TypeError(
      `${call.source}.${operation.name} has no batch; a batch call cannot reach it.`,
    );
  if (call.keys.length === 1) {
    // A failure of this one call is the whole batch's, so the steps above see
    // it as one (retry, breaker, pushback); createSourcePipeline puts it back
    // at the key's place (the DataLoader contract) on the way out.
    const answer = await operation.invoke(
      { ...call.args, [batch.key]: call.keyIsList ? [call.keys[0]] : call.keys[0] },
      ctx,
    );
    // A list-keyed operation that answers no row for its one key left the key out, as a batch answer
    // would (sources/common/batch.ts): not found, never an empty list that computes to a stock of 0.
    if (call.keyIsList && Array.isArray(answer) && answer.length === 0) {
      throw new SourceError({
        code: 'SOURCE_NOT_FOUND',
        source: call.source,
        operation: operation.name,
        safeMessage: `${call.source} answered ${operation.name} without an entry for this ${batch.key}.`,
      });
    }
    return [answer];
  }
  return batch.invokeMany(call.keys, ctx, call.args);
};

/**
 * A batch of one key is one call to the single operation: inside the
 * pipeline its failure is the call's (retried, counted by the breaker, a
 * pause); on the way out it goes back to the key's place, as the loaders'
 * DataLoader expects, so a 404 stays that key's SOURCE_NOT_FOUND.
 */
export function keyedFailure(call: Call, answer: Promise<unknown>): Promise<unknown> {
  if (call.kind !== 'batch' || call.keys.length !== 1) return answer;
  return answer.catch((error: unknown) => [
    error instanceof Error ? error : new Error(String(error)),
  ]);
}

export const dispatchStream: Subscribe = (call: StreamCall) => {
  if (call.operation.subscribe === undefined)
    throw new TypeError(`${call.source}.${call.operation.name} cannot be subscribed to.`);
  return call.operation.subscribe(call.args, call.ctx);
};
