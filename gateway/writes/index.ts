/** The write journal: the durable record of every mutation's plan, steps, dead letters and audit trail. */
export type {
  JsonValue,
  WriteState,
  StepState,
  RepeatSafety,
  Compensation,
  Caller,
  PlannedStep,
  Failure,
  Step,
  Write,
  NewWrite,
  AuditEvent,
  AuditEntry,
} from './model.js';
export {
  WRITE_TRANSITIONS,
  STEP_TRANSITIONS,
  IN_FLIGHT_STATES,
  FINAL_STATES,
  isInFlight,
  assertWriteTransition,
  assertStepTransition,
} from './states.js';
export {
  WriteError,
  isWriteError,
  WRITE_ERROR_CODES,
  WRITE_ERROR_HTTP_STATUS,
  type WriteErrorCode,
} from './errors.js';
export { canonicalJson, inputHash, stepKey } from './keys.js';
export { MAX_IDEMPOTENCY_KEY_LENGTH } from './validate.js';
export type {
  WriteJournal,
  JournalOptions,
  BeginOptions,
  BeginResult,
  StepOutcome,
  WriteChange,
  RecordedChange,
  ListQuery,
  AuditQuery,
  RecoveryQuery,
} from './store.js';
export { JOURNAL_DEFAULTS } from './store.js';
export {
  createSqliteJournal,
  SQLITE_JOURNAL_DEFAULTS,
  type SqliteJournalOptions,
} from './sqlite.js';
export { SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
export {
  createPostgresJournal,
  POSTGRES_JOURNAL_DEFAULTS,
  type PostgresJournalOptions,
} from './postgres.js';
export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.js';
export { openWriteJournal, type WriteJournalConfig } from './open.js';
export type { WriteRunner } from './runner.js';
export { journalCaller, callerName } from './caller.js';
export {
  OPERATOR_LIMITS,
  WRITE_STATES,
  checkWriteId,
  parseWriteState,
  parseTime,
  listWrites,
  showWrite,
  checkReplayable,
  replayWrite,
  discardWrite,
  auditTrail,
  type WritesQuery,
  type AuditTrailQuery,
} from './operator.js';
