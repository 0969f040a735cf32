/**
 * The journal store contract. Two adapters implement it (sqlite.ts, the
 * embedded default; postgres.ts, shared by several gateway instances) and
 * both pass one conformance suite (test/conformance/journal-suite.ts).
 *
 * Every member that changes something does it in one transaction together
 * with its audit entry, so the journal never says a step happened without
 * the trail saying so too. Times are ms since the Unix epoch, taken from the
 * store's clock (`now`), so leases assume the instances' clocks agree to
 * well within a lease (NTP does).
 *
 * Ownership: a write in flight belongs to one instance (its `owner`, any
 * string unique per instance) until its lease expires. Every member that
 * records progress takes the owner and refuses with WRITE_NOT_CLAIMED when
 * another instance has claimed the write since: of two instances that both
 * think they resume a write, only one can record anything.
 */
import type {
  AuditEntry,
  Failure,
  JsonValue,
  NewWrite,
  StepState,
  Write,
  WriteState,
} from './model.js';

/** The answer of `begin`. */
export type BeginResult =
  /** The plan is recorded and claimed by the owner: go and run it. */
  | { readonly created: true; readonly write: Write }
  /**
   * The caller's key belongs to an earlier write with the same input that is
   * no longer in flight (final, or dead-lettered): answer from it, call nothing.
   */
  | { readonly created: false; readonly write: Write };

export interface BeginOptions {
  /** The instance that will run the write; it holds the claim. */
  readonly owner: string;
  /** How long the claim lasts before another instance may take over, in ms. */
  readonly leaseMs: number;
}

/** What happened to a step. */
export interface StepOutcome {
  readonly state: StepState;
  /** For `sent`: the arguments sent, for the operator. Kept until the next `sent`. */
  readonly request?: JsonValue;
  /** For `succeeded`: the backend's answer. */
  readonly result?: JsonValue;
  /** For failures and `unknown`: what went wrong. Cleared by the next `sent` or `succeeded`. */
  readonly error?: Failure;
}

/** A change of the write's state. */
export interface WriteChange {
  readonly state: WriteState;
  /** For `succeeded`: the answer's data, replayed for the same idempotency key. */
  readonly result?: JsonValue;
  /** For `compensated` and `dead-lettered`: what failed. */
  readonly error?: Failure;
  /** For `dead-lettered`: why, in a sentence an operator reads. */
  readonly reason?: string;
}

/** One change inside `record`: a step's outcome, or the write's new state. */
export type RecordedChange =
  { readonly step: number; readonly outcome: StepOutcome } | { readonly write: WriteChange };

export interface ListQuery {
  /** Only writes in these states. @default every state */
  readonly states?: readonly WriteState[];
  /** Only writes created before this time (ms since the epoch), for paging. @default no bound */
  readonly createdBefore?: number;
  /** Most writes returned, newest first. @default 100 */
  readonly limit?: number;
}

export interface AuditQuery {
  /** Entries at or after this time, ms since the epoch. @default the beginning */
  readonly since?: number;
  /** Entries before this time, ms since the epoch. @default no bound */
  readonly until?: number;
  /** Entries with a larger `seq`, for paging. @default 0 */
  readonly afterSeq?: number;
  /** Only one write's entries. */
  readonly writeId?: string;
  /** Only entries of writes asked for by this partner (Caller.partner). */
  readonly partner?: string;
  /** Most entries returned, oldest first. @default 1000 */
  readonly limit?: number;
}

export interface RecoveryQuery {
  /** The instance taking the writes over. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Only writes unchanged for at least this long, in ms. */
  readonly olderThanMs: number;
  /** Most writes claimed at once. @default 100 */
  readonly limit?: number;
}

/** The durable record of every write. */
export interface WriteJournal {
  /** "sqlite" or "postgres", for logs and errors. */
  readonly engine: string;

  /**
   * Records a plan before its first call, in one transaction: the write
   * (state `planned`, every step `pending`, claimed by `owner`), the caller's
   * idempotency key with the input's hash, and the audit entry.
   * With a key that is alive (see `idempotencyKeyTtlMs`):
   * - same input, earlier write no longer in flight → `{ created: false, write }`;
   * - different mutation or input → IDEMPOTENCY_KEY_REUSED (422);
   * - earlier write still in flight → IDEMPOTENCY_KEY_IN_USE (409).
   * Of any number of concurrent `begin`s with one key, on any number of
   * instances sharing the database, exactly one creates the write.
   * @throws WRITE_RECORD_INVALID, IDEMPOTENCY_KEY_INVALID, WRITE_JOURNAL_UNAVAILABLE
   */
  begin(plan: NewWrite, options: BeginOptions): Promise<BeginResult>;

  /**
   * Records what happened to step `index`: the move must be in
   * STEP_TRANSITIONS, the write must be running, compensating or replaying,
   * and claimed by `owner`. `sent` counts an attempt.
   * @throws WRITE_NOT_FOUND, WRITE_NOT_CLAIMED, WRITE_TRANSITION_INVALID (the
   *   write's state allows no step change), WRITE_STEP_TRANSITION_INVALID, WRITE_RECORD_INVALID
   */
  recordStep(writeId: string, owner: string, index: number, outcome: StepOutcome): Promise<Write>;

  /**
   * Moves the write to another state (a move in WRITE_TRANSITIONS), held by
   * `owner`. Leaving the in-flight states (`succeeded`, `compensated`,
   * `dead-lettered`) releases the claim.
   * @throws WRITE_NOT_FOUND, WRITE_NOT_CLAIMED, WRITE_TRANSITION_INVALID, WRITE_RECORD_INVALID
   */
  transition(writeId: string, owner: string, change: WriteChange): Promise<Write>;

  /**
   * Records 1 to 16 changes of one write in one transaction, in order, with
   * the same checks as `recordStep` and `transition` (each against the state
   * the previous change left): all are recorded, or none. The executor uses
   * it to record "step 1 succeeded" and "step 2 sent" with one commit,
   * which halves the fsyncs a write costs.
   * @throws as recordStep and transition
   */
  record(writeId: string, owner: string, changes: readonly RecordedChange[]): Promise<Write>;

  /**
   * Takes or renews the claim on one write in flight: succeeds when the
   * write is unclaimed, its lease has expired, or `owner` already holds it.
   * Returns null when another instance holds a live lease or the write is
   * not in flight.
   * @throws WRITE_NOT_FOUND
   */
  claim(writeId: string, owner: string, leaseMs: number): Promise<Write | null>;

  /**
   * Extends the lease of a write `owner` still holds (the executor's
   * heartbeat while a step is in flight). Never takes a write over: returns
   * null when another instance claimed it since (even if that lease lapsed
   * too) or the write is no longer in flight, so the caller stops driving it.
   * @throws WRITE_NOT_FOUND
   */
  renew(writeId: string, owner: string, leaseMs: number): Promise<Write | null>;

  /** Gives the claim up (after a clean shutdown, say); a no-op unless `owner` holds it. */
  release(writeId: string, owner: string): Promise<void>;

  /**
   * Recovery after a crash: claims for `owner` up to `limit` writes in
   * flight, unchanged for `olderThanMs`, whose lease has expired (or never
   * existed), oldest first. Instances calling it at once get disjoint sets.
   */
  claimUnfinished(query: RecoveryQuery): Promise<Write[]>;

  /**
   * An operator's replay of a dead letter: `dead-lettered → replaying`,
   * claimed by `owner`, audited as done by `actor`.
   * @throws WRITE_NOT_FOUND, WRITE_TRANSITION_INVALID
   */
  markReplay(writeId: string, owner: string, leaseMs: number, actor: string): Promise<Write>;

  /**
   * An operator gives a dead letter up: `dead-lettered → discarded` with a
   * reason (required), audited as done by `actor`.
   * @throws WRITE_NOT_FOUND, WRITE_TRANSITION_INVALID, WRITE_RECORD_INVALID (no reason)
   */
  discard(writeId: string, actor: string, reason: string): Promise<Write>;

  /** One write with its steps, or undefined. */
  get(writeId: string): Promise<Write | undefined>;

  /** Writes, newest first (dead letters: `{ states: ['dead-lettered'] }`). */
  list(query?: ListQuery): Promise<Write[]>;

  /** Adds a note to the audit trail (e.g. "answer sent"); the trail is append-only. */
  appendAudit(writeId: string, actor: string, detail: string): Promise<AuditEntry>;

  /** Audit entries, oldest first. */
  audit(query?: AuditQuery): Promise<AuditEntry[]>;

  /**
   * Forgets idempotency keys that expired and whose write is no longer in
   * flight; returns how many. `begin` already ignores them, so this only
   * keeps the table small. The writes themselves are kept.
   */
  purgeExpiredKeys(): Promise<number>;

  /** Closes the database connections; safe to call twice. */
  close(): Promise<void>;
}

/** Options both stores share. */
export interface JournalOptions {
  /**
   * How long a caller's idempotency key is remembered after its write was
   * created, in ms. A key never expires while its write is in flight.
   * @default 86_400_000 (24 hours, as Stripe keeps keys)
   */
  readonly idempotencyKeyTtlMs?: number;
  /** Largest stored JSON value (input, request, result), in bytes. @default 1_048_576 (1 MiB) */
  readonly maxValueBytes?: number;
  /** The clock, ms since the epoch; tests move it to expire leases and keys. @default Date.now */
  readonly now?: () => number;
}

export const JOURNAL_DEFAULTS = Object.freeze({
  idempotencyKeyTtlMs: 86_400_000, // 24 h
  maxValueBytes: 1_048_576, // 1 MiB
  listLimit: 100,
  auditLimit: 1000,
  recoveryLimit: 100,
});
