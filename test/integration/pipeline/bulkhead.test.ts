/**
 * The bulkhead against a real backend that holds its requests: never more
 * than `maxConcurrent` calls reach it at once, a full queue fails fast with
 * SOURCE_OVERLOADED, and a caller that leaves the queue frees its place.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRestSource } from '../../../sources/rest/index.js';
import type { Source } from '../../../sources/common/index.js';
import { track, useHarness } from '../../harness/index.js';
import { startHeldBackend, HELD_ITEMS_CONTRACT, type HeldBackend } from './held-backend.js';
import { failure, pipelineFor, recordingLogger, single, testPolicy } from './helpers.js';

useHarness();

let backend: HeldBackend;
let source: Source;

beforeAll(async () => {
  backend = track(await startHeldBackend(), 'held backend');
  source = track(
    await createRestSource({ name: 'held', contract: HELD_ITEMS_CONTRACT, url: backend.url }),
    'held source',
  );
});

const getItem = (id: string, signal?: AbortSignal) =>
  single(source, 'getItem', { itemId: id }, signal === undefined ? {} : { signal });

describe('bulkhead', () => {
  it('never lets more than maxConcurrent calls reach the backend, and fails fast past the queue', async () => {
    backend.hold();
    const logger = recordingLogger();
    const pipeline = pipelineFor(
      source,
      testPolicy({ bulkhead: { maxConcurrent: 2, maxQueued: 3 } }),
      logger,
    );
    const before = backend.received;
    const admitted = Array.from({ length: 5 }, (_, index) =>
      pipeline.invoke(getItem(`item-${index}`)),
    );
    await backend.holding(2);
    expect(pipeline.state().bulkhead).toEqual({ inFlight: 2, queued: 3 });

    const refused = await Promise.all([
      failure(pipeline.invoke(getItem('item-5'))),
      failure(pipeline.invoke(getItem('item-6'))),
    ]);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: 'SOURCE_OVERLOADED',
        source: 'held',
        operation: 'getItem',
        retryable: false,
        details: { reason: 'bulkhead full' },
      });
    }
    expect(logger.messages('bulkhead full')).toHaveLength(1);

    backend.releaseAll();
    expect(((await Promise.all(admitted)) as Array<{ id: string }>).map((item) => item.id)).toEqual(
      ['item-0', 'item-1', 'item-2', 'item-3', 'item-4'],
    );
    expect(backend.received - before).toBe(5);
    expect(backend.maxInFlight).toBe(2);
  });

  it('lets a queued caller that goes away leave at once, without reaching the backend or stranding the queue', async () => {
    backend.hold();
    const pipeline = pipelineFor(
      source,
      testPolicy({ bulkhead: { maxConcurrent: 1, maxQueued: 2 } }),
    );
    const before = backend.received;
    const first = pipeline.invoke(getItem('first'));
    await backend.holding(1);
    const leaving = new AbortController();
    const gone = failure(pipeline.invoke(getItem('gone', leaving.signal)));
    const waiting = pipeline.invoke(getItem('waiting'));
    leaving.abort();
    expect((await gone).details.reason).toBe('cancelled');

    backend.releaseAll();
    expect(await first).toEqual({ id: 'first' });
    // The call behind the one that left still gets its slot.
    expect(await waiting).toEqual({ id: 'waiting' });
    expect(backend.received - before).toBe(2);
    expect(pipeline.state().bulkhead).toEqual({ inFlight: 0, queued: 0 });
  });
});
