/**
 * What an operator may do with the journal: list, show, replay, discard,
 * read the audit trail. The `switchboard writes` CLI and the admin GraphQL
 * API both call these, so the two check arguments and word refusals the
 * same way. Each argument is checked here, before the journal sees it,
 * and the journal's refusals are mapped to codes an operator can act on.
 */
import { WriteError, isWriteError } from './errors.js';
import type { AuditEntry, Write, WriteState } from './model.js';
import type { WriteRunner } from './runner.js';
import { WRITE_TRANSITIONS } from './states.js';
import type { WriteJournal } from './store.js';

/** The most writes or audit entries one question returns; a larger limit is refused, not clamped, so a script learns it asked too much. */
export const OPERATOR_LIMITS = Object.freeze({
  maxWrites: 500,
  defaultWrites: 50,
  maxAudit: 1000,
  defaultAudit: 100,
  maxReasonLength: 500,
});

/** Every state, in the journal's names. */
export const WRITE_STATES = Object.freeze(Object.keys(WRITE_TRANSITIONS) as WriteState[]);

/** The journal's ids are UUIDs (v4, from randomUUID); anything else cannot name a write. */
const WRITE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function queryInvalid(safeMessage: string, argument: string): WriteError {
  return new WriteError({ code: 'WRITE_QUERY_INVALID', safeMessage, details: { argument } });
}

/** A write id as given, checked for shape; the error quotes at most 40 characters of it. */
export function checkWriteId(id: unknown): string {
  if (typeof id === 'string' && WRITE_ID.test(id)) return id.toLowerCase();
  const shown =
    typeof id === 'string'
      ? JSON.stringify(id.slice(0, 40)) + (id.length > 40 ? '…' : '')
      : typeof id;
  return failWith(
    queryInvalid(
      `${shown} is not a write id: ids are UUIDs, as "switchboard writes list" shows them.`,
      'id',
    ),
  );
}

function failWith(error: WriteError): never {
  throw error;
}

/** "dead-lettered", "dead_lettered", "DEAD_LETTERED" and "dead_letter" all name the dead-letter state. */
export function parseWriteState(text: string): WriteState {
  const normal = text.trim().toLowerCase().replaceAll('_', '-');
  const state = normal === 'dead-letter' ? 'dead-lettered' : normal;
  if ((WRITE_STATES as readonly string[]).includes(state)) return state as WriteState;
  throw queryInvalid(
    `Unknown state ${JSON.stringify(text.slice(0, 40))}; the states are ${WRITE_STATES.join(', ')}.`,
    'state',
  );
}

function checkLimit(limit: number | undefined, max: number, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max)
    throw queryInvalid(`limit should be a whole number from 1 to ${max}.`, 'limit');
  return limit;
}

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A point in time an operator types: an ISO 8601 time ("2026-11-30T04:00:00Z",
 * "2026-11-30") or a duration back from `now` ("90s", "15m", "1h", "7d").
 * @throws WRITE_QUERY_INVALID
 */
export function parseTime(text: string, now: number, argument = 'since'): number {
  const duration = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (duration !== null)
    return now - Number(duration[1]) * (UNITS[duration[2] as string] as number);
  // Date.parse accepts much that is not ISO ("March 7"); only ISO shapes are taken.
  if (
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text.trim())
  ) {
    const at = Date.parse(text.trim());
    if (Number.isFinite(at)) return at;
  }
  throw queryInvalid(
    `--${argument} should be an ISO time (2026-11-30T04:00:00Z) or a duration back from now (30m, 1h, 7d), instead got ${JSON.stringify(text.slice(0, 40))}.`,
    argument,
  );
}

export interface WritesQuery {
  readonly states?: readonly WriteState[];
  readonly limit?: number;
  /** Only writes created before this time (ms since the epoch), for paging. */
  readonly before?: number;
}

export function listWrites(journal: WriteJournal, query: WritesQuery = {}): Promise<Write[]> {
  const limit = checkLimit(query.limit, OPERATOR_LIMITS.maxWrites, OPERATOR_LIMITS.defaultWrites);
  return journal.list({
    limit,
    ...(query.states === undefined ? {} : { states: query.states }),
    ...(query.before === undefined ? {} : { createdBefore: query.before }),
  });
}

/** @throws WRITE_QUERY_INVALID (not an id), WRITE_NOT_FOUND */
export async function showWrite(journal: WriteJournal, id: string): Promise<Write> {
  const writeId = checkWriteId(id);
  const write = await journal.get(writeId);
  if (write === undefined) throw notFound(writeId);
  return write;
}

function notFound(writeId: string): WriteError {
  return new WriteError({
    code: 'WRITE_NOT_FOUND',
    safeMessage: `No write with id "${writeId}" is in the journal.`,
    details: { writeId },
  });
}

/** The journal's "not a legal move" becomes "this is not a dead letter", which is what the operator did wrong. */
async function onlyDeadLetters<T>(
  journal: WriteJournal,
  writeId: string,
  verb: 'replayed' | 'discarded',
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isWriteError(error) || error.code !== 'WRITE_TRANSITION_INVALID') throw error;
    const state = (await journal.get(writeId))?.state ?? 'unknown';
    throw new WriteError({
      code: 'WRITE_NOT_DEAD_LETTERED',
      safeMessage: `Write ${writeId} is ${state}, not dead-lettered: only dead letters can be ${verb}.`,
      details: { writeId, state },
      cause: error,
    });
  }
}

/**
 * The id of a write that may be replayed now (a dead letter); what the CLI
 * checks before it builds a gateway to replay with.
 * @throws WRITE_QUERY_INVALID, WRITE_NOT_FOUND, WRITE_NOT_DEAD_LETTERED
 */
export async function checkReplayable(journal: WriteJournal, id: string): Promise<string> {
  const writeId = checkWriteId(id);
  const write = await journal.get(writeId);
  if (write === undefined) throw notFound(writeId);
  if (write.state !== 'dead-lettered') {
    throw new WriteError({
      code: 'WRITE_NOT_DEAD_LETTERED',
      safeMessage: `Write ${writeId} is ${write.state}, not dead-lettered: only dead letters can be replayed.`,
      details: { writeId, state: write.state },
    });
  }
  return writeId;
}

/**
 * Replays a dead letter through the gateway's runner, which moves it to
 * `replaying` (journal.markReplay) and drives it to its end.
 * @throws WRITE_QUERY_INVALID, WRITE_NOT_FOUND, WRITE_NOT_DEAD_LETTERED, WRITE_REPLAY_UNAVAILABLE
 */
export async function replayWrite(
  writes: { journal: WriteJournal; runner?: WriteRunner | undefined },
  id: string,
  actor: string,
): Promise<Write> {
  // Checked before the runner, so a wrong id or state is reported as such even where replay is not possible.
  const writeId = await checkReplayable(writes.journal, id);
  const { runner } = writes;
  if (runner === undefined) {
    throw new WriteError({
      code: 'WRITE_REPLAY_UNAVAILABLE',
      safeMessage:
        'This gateway has no write executor to replay writes with, so the dead letter was left as it is.',
      details: { writeId },
    });
  }
  return onlyDeadLetters(writes.journal, writeId, 'replayed', () => runner.replay(writeId, actor));
}

/** @throws WRITE_QUERY_INVALID, WRITE_REASON_REQUIRED, WRITE_NOT_FOUND, WRITE_NOT_DEAD_LETTERED */
export async function discardWrite(
  journal: WriteJournal,
  id: string,
  actor: string,
  reason: string | undefined,
): Promise<Write> {
  const writeId = checkWriteId(id);
  const why = reason?.trim() ?? '';
  if (why.length === 0 || why.length > OPERATOR_LIMITS.maxReasonLength) {
    throw new WriteError({
      code: 'WRITE_REASON_REQUIRED',
      safeMessage:
        why.length === 0
          ? 'A discard needs a reason (--reason "…"): it is kept in the audit trail.'
          : `The reason should be at most ${OPERATOR_LIMITS.maxReasonLength} characters.`,
      details: { writeId },
    });
  }
  return onlyDeadLetters(journal, writeId, 'discarded', () => journal.discard(writeId, actor, why));
}

export interface AuditTrailQuery {
  /** ms since the epoch. */
  readonly since?: number;
  readonly until?: number;
  readonly writeId?: string;
  readonly partner?: string;
  readonly limit?: number;
}

/** The audit trail, oldest first. @throws WRITE_QUERY_INVALID */
export function auditTrail(
  journal: WriteJournal,
  query: AuditTrailQuery = {},
): Promise<AuditEntry[]> {
  const limit = checkLimit(query.limit, OPERATOR_LIMITS.maxAudit, OPERATOR_LIMITS.defaultAudit);
  const writeId = query.writeId === undefined ? undefined : checkWriteId(query.writeId);
  if (query.partner !== undefined && (query.partner.length === 0 || query.partner.length > 512))
    throw queryInvalid('partner should be a partner name of 1 to 512 characters.', 'partner');
  for (const [name, value] of [
    ['since', query.since],
    ['until', query.until],
  ] as const) {
    if (value !== undefined && !Number.isSafeInteger(value))
      throw queryInvalid(`${name} should be a time.`, name);
  }
  return journal.audit({
    limit,
    ...(query.since === undefined ? {} : { since: query.since }),
    ...(query.until === undefined ? {} : { until: query.until }),
    ...(writeId === undefined ? {} : { writeId }),
    ...(query.partner === undefined ? {} : { partner: query.partner }),
  });
}
