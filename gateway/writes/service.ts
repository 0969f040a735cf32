/**
 * The gateway's write service: what the mutation resolvers, the recovery
 * loop and the operator's replay go through. It plans a write in the
 * journal (with the caller's idempotency key) before anything is sent,
 * drives it with the executor, and drops what it touched from the read
 * cache once it has settled, whichever way it settled.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { CacheControl } from '../pipeline/index.js';
import { selectSteps, type WriteDefinition } from './definition.js';
import {
  createExecutor,
  isLostClaim,
  toJson,
  type JournalStepSpan,
  type PipelineOf,
} from './executor.js';
import { WriteError } from './errors.js';
import type { PlannedStep, Write } from './model.js';
import type { WriteRunner } from './runner.js';
import type { WriteJournal } from './store.js';

export interface WriteRequest {
  /** The caller's identity for the key's scope and the audit trail (null: anonymous). */
  readonly identity: string | null;
  readonly requestId: string;
  /** The partner the caller's token was issued to, for the audit trail. */
  readonly partner?: string;
  /** The caller's `Idempotency-Key`, validated by the journal. */
  readonly idempotencyKey?: string;
  /**
   * The request's deadline (aborted when `limits.requestTimeoutMs` passes or
   * the caller leaves). When it fires first, run() answers with the write as
   * the journal has it then (in flight: `WRITE_INCOMPLETE` for the caller),
   * and the write carries on here to a settled state, or is recovered by
   * another instance if this one stops.
   */
  readonly signal?: AbortSignal;
}

export interface WriteService extends WriteRunner {
  readonly journal: WriteJournal;
  /** This instance's name in the journal: claims and audit entries. */
  readonly owner: string;
  /**
   * Runs one write mutation: plans it (or finds the first write of the same
   * idempotency key: `replayed`), drives it to a settled state, then drops
   * what it touched from the read cache.
   * @throws IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_INVALID, WRITE_JOURNAL_UNAVAILABLE
   */
  run(
    definition: WriteDefinition,
    args: Readonly<Record<string, unknown>>,
    request: WriteRequest,
  ): Promise<{ readonly write: Write; readonly replayed: boolean }>;
  /** Claims unfinished writes whose claim lapsed (a crashed instance's) and settles them; resolves to how many. */
  recover(): Promise<number>;
  /** Stops the recovery loop and waits for the writes this instance is driving. */
  close(): Promise<void>;
}

export interface WriteServiceOptions {
  readonly journal: WriteJournal;
  readonly definitions: ReadonlyMap<string, WriteDefinition>;
  readonly pipelineOf: PipelineOf;
  readonly cache?: CacheControl;
  readonly logger: Logger;
  /** @default 30000 */
  readonly leaseMs?: number;
  /** 0: recover only when `recover()` is called. @default 0 */
  readonly recoveryIntervalMs?: number;
  /** @default "<hostname>:<pid>:<random>" */
  readonly owner?: string;
  /** Told each write's state once it settles (the gateway's metrics: switchboard_writes_total). */
  readonly onSettled?: (write: Write) => void;
  /** Spans for each step's backend calls (Telemetry.journalStep); absent when tracing is off. */
  readonly journalStep?: JournalStepSpan;
}

/** The plan the journal records: the steps that run for these arguments, with how each is repeated and undone. */
export function planSteps(
  definition: WriteDefinition,
  args: Readonly<Record<string, unknown>>,
): PlannedStep[] {
  return selectSteps(definition, args).map((step, index) => ({
    index,
    source: step.source.name,
    operation: step.call.operation.name,
    repeatSafety: step.repeatSafety,
    compensation:
      step.undo.kind === 'operation'
        ? { kind: 'operation', operation: step.undo.operation.name }
        : { kind: 'none', reason: step.undo.reason },
  }));
}

/** The write once it settled, or undefined when `signal` aborted first. */
function untilAborted(work: Promise<Write>, signal: AbortSignal): Promise<Write | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<Write | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (write) => {
        signal.removeEventListener('abort', onAbort);
        resolve(write);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function createWriteService(options: WriteServiceOptions): WriteService {
  const { journal, logger } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const executor = createExecutor({
    journal,
    definitions: options.definitions,
    pipelineOf: options.pipelineOf,
    owner,
    leaseMs,
    logger,
    ...(options.journalStep === undefined ? {} : { journalStep: options.journalStep }),
  });
  const driving = new Set<Promise<unknown>>();
  let closed = false;

  const invalidate = async (write: Write): Promise<void> => {
    const definition = options.definitions.get(write.mutation);
    if (definition === undefined || options.cache === undefined) return;
    const args = (write.input ?? {}) as Record<string, unknown>;
    // The journaled answers by step name (`@invalidates(keys: "$steps.…")`): the plan is selectSteps' order.
    const answers: Record<string, unknown> = {};
    selectSteps(definition, args).forEach((step, index) => {
      const result = write.steps[index]?.result;
      if (result !== undefined && result !== null) answers[step.name] = result;
    });
    try {
      await options.cache.invalidate(definition.invalidations(args, answers));
    } catch (error) {
      logger.warn('could not drop what a write touched from the read cache', {
        writeId: write.id,
        error,
      });
    }
  };

  /** Journal refusals that mean another drive of the write got there first: never the caller's business. */
  const RACE_CODES: ReadonlySet<string> = new Set([
    'WRITE_NOT_CLAIMED',
    'WRITE_TRANSITION_INVALID',
    'WRITE_STEP_TRANSITION_INVALID',
  ]);
  /** Writes this instance is driving now, so its own recovery never drives one a second time. */
  const active = new Set<string>();

  /** Drives a write and drops what it touched from the cache; tracked so close() can wait for it. */
  const settle = async (write: Write): Promise<Write> => {
    const work = executor.drive(write);
    driving.add(work);
    active.add(write.id);
    try {
      const settled = await work;
      await invalidate(settled);
      options.onSettled?.(settled);
      return settled;
    } catch (error) {
      if (!(error instanceof WriteError) || !RACE_CODES.has(error.code)) throw error;
      // Lost the write to another instance (or a refused record): its holder settles it, answers
      // and counts it; this caller hears the journal's state (WRITE_INCOMPLETE while in flight).
      const current = await journal.get(write.id);
      if (current === undefined) throw error;
      const fields = { writeId: write.id, code: error.code, state: current.state };
      if (isLostClaim(error)) logger.warn('another instance took this write over', fields);
      else logger.error('the journal refused a record of this write; answering from it', fields);
      return current;
    } finally {
      driving.delete(work);
      active.delete(write.id);
    }
  };

  let recovering: Promise<number> | undefined;
  const recover = (): Promise<number> => {
    // One pass at a time: a slow pass is not overlapped by the timer's next.
    recovering ??= (async () => {
      let count = 0;
      try {
        for (;;) {
          if (closed) break;
          const claimed = await journal.claimUnfinished({
            owner,
            leaseMs,
            olderThanMs: 0,
            limit: 20,
          });
          if (claimed.length === 0) break;
          for (const write of claimed) {
            // Its lease lapsed while this instance still drives it (the journal was slow to renew): that drive carries on.
            if (active.has(write.id)) continue;
            logger.info('recovering an unfinished write', {
              writeId: write.id,
              mutation: write.mutation,
              state: write.state,
            });
            await settle(write).catch((error: unknown) =>
              logger.error('could not recover a write', { writeId: write.id, error }),
            );
            count += 1;
          }
        }
      } finally {
        recovering = undefined;
      }
      return count;
    })();
    return recovering;
  };

  const interval = options.recoveryIntervalMs ?? 0;
  const timer =
    interval > 0
      ? setInterval(
          () =>
            void recover().catch((error: unknown) =>
              logger.error('write recovery failed', { error }),
            ),
          interval,
        )
      : undefined;
  timer?.unref();

  return {
    journal,
    owner,
    async run(definition, args, request) {
      if (closed)
        throw new WriteError({
          code: 'WRITE_NOT_AVAILABLE',
          safeMessage: 'The gateway is shutting down; send the write again.',
        });
      const begun = await journal.begin(
        {
          mutation: definition.mutation,
          input: toJson(args),
          caller: {
            identity: request.identity,
            requestId: request.requestId,
            ...(request.partner === undefined ? {} : { partner: request.partner }),
          },
          idempotencyKey: request.idempotencyKey ?? null,
          steps: planSteps(definition, args),
        },
        { owner, leaseMs },
      );
      if (!begun.created) return { write: begun.write, replayed: true };
      const settling = settle(begun.write);
      const signal = request.signal;
      if (signal === undefined) return { write: await settling, replayed: false };
      // Never abandon a write half-done because the caller's time is up: it settles
      // in the background (tracked by `driving`, so close() waits for it).
      const settled = await untilAborted(settling, signal);
      if (settled !== undefined) return { write: settled, replayed: false };
      settling.catch((error: unknown) =>
        logger.error('a write past its request deadline failed to settle', {
          writeId: begun.write.id,
          error,
        }),
      );
      logger.info('request deadline passed; the write carries on in the background', {
        writeId: begun.write.id,
        mutation: begun.write.mutation,
      });
      return { write: (await journal.get(begun.write.id)) ?? begun.write, replayed: false };
    },
    recover,
    async replay(writeId, actor) {
      const marked = await journal.markReplay(writeId, owner, leaseMs, actor);
      return settle(marked);
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      await Promise.allSettled([...driving, ...(recovering === undefined ? [] : [recovering])]);
    },
  };
}
