/**
 * What the write journal records: a write (one mutation a caller asked
 * for), its planned steps (one source operation each), each step's outcome
 * as it happens, and the audit trail. Every value here is plain JSON-able
 * data, so both stores keep it as it is and an operator can read it.
 * The legal moves between states are in states.ts.
 */

/** JSON as it is stored: no undefined, no NaN or Infinity, no class instances. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Where a write is. `planned`, `running`, `compensating` and `replaying` are
 * in flight (someone owns the write and works on it); `dead-lettered` waits
 * for a person; `succeeded`, `compensated` and `discarded` are final.
 */
export type WriteState =
  | 'planned'
  | 'running'
  | 'succeeded'
  | 'compensating'
  | 'compensated'
  | 'dead-lettered'
  | 'replaying'
  | 'discarded';

/**
 * Where one step is. `unknown`: the request may or may not have been applied
 * (a timeout after sending, a connection cut mid-answer).
 */
export type StepState =
  | 'pending'
  | 'sent'
  | 'succeeded'
  | 'failed-transient'
  | 'failed-permanent'
  | 'unknown'
  | 'compensated'
  | 'compensation-failed'
  /** Never sent: its condition (`@step(when:)`) was false for the answers before it. */
  | 'skipped';

/**
 * How a step is made safe to send again after an unknown outcome.
 * - `backend-key`: the backend honours the step's idempotency key.
 * - `natural-key`: `lookup` (an operation of the same source) finds an earlier result.
 * - `none`: never resent blindly; an unknown outcome goes to a person.
 * - `read`: the step only reads (`@step(read: true)`); it is sent again freely.
 * - `idempotent`: the operation itself changes nothing more when sent again
 *   (cancelling a cancelled order); sent again after an unknown outcome.
 */
export type RepeatSafety =
  | { readonly kind: 'backend-key' }
  | { readonly kind: 'read' }
  | { readonly kind: 'idempotent' }
  | { readonly kind: 'natural-key'; readonly lookup: string }
  | { readonly kind: 'none' };

/** How a succeeded step is undone when a later step fails for good, or why it cannot be. */
export type Compensation =
  | { readonly kind: 'operation'; readonly operation: string }
  | { readonly kind: 'none'; readonly reason: string };

/** Who asked for a write. */
export interface Caller {
  /** The caller's identity once partner access exists (a token's subject); null for anonymous callers. */
  readonly identity: string | null;
  /** The request id of the request that created the write (`x-request-id`). */
  readonly requestId: string;
  /**
   * The partner the caller's token was issued to, when there is one; the
   * audit trail is filtered by it. Absent (never null) for callers without one.
   */
  readonly partner?: string;
}

/** A step as planned before the first call. */
export interface PlannedStep {
  /** 0-based position; steps run in this order and are undone in reverse. */
  readonly index: number;
  /** The source's configured name, e.g. "erp". */
  readonly source: string;
  /** The source operation's GraphQL name, e.g. "createSalesOrder". */
  readonly operation: string;
  readonly repeatSafety: RepeatSafety;
  readonly compensation: Compensation;
}

/** A safe account of a failure: a code, a caller-safe message, where. No stacks, URLs or bodies. */
export interface Failure {
  readonly code: string;
  readonly message: string;
  /** The system that failed, when one did. */
  readonly source?: string;
  /** The step that failed, when one did. */
  readonly step?: number;
}

/** A planned step with everything that has happened to it. */
export interface Step extends PlannedStep {
  /** The key sent to the backend with this step (see keys.ts: stepKey). */
  readonly idempotencyKey: string;
  /** The key sent with this step's compensation. */
  readonly compensationKey: string;
  readonly state: StepState;
  /** Times the step was sent (each move to `sent` counts one). */
  readonly attempts: number;
  /** The arguments last sent, as the executor recorded them, for the operator. */
  readonly request: JsonValue | null;
  /** The backend's answer when the step succeeded; later steps and the answer read it. */
  readonly result: JsonValue | null;
  /** Why the step or its compensation failed, or why the outcome is unknown. */
  readonly error: Failure | null;
  /** Last change, ms since the Unix epoch. */
  readonly updatedAt: number;
}

/** A write with its plan, its steps' outcomes and who owns it now. */
export interface Write {
  /** Chosen by the journal (a UUID); appears in the answer's `extensions`. */
  readonly id: string;
  /** The mutation field's name, e.g. "placeOrder". */
  readonly mutation: string;
  /** The mutation's arguments after validation, as JSON. */
  readonly input: JsonValue;
  readonly caller: Caller;
  /** The caller's `Idempotency-Key`, or null when none was given. */
  readonly idempotencyKey: string | null;
  /** sha256 (hex) of the canonical JSON of mutation and input (keys.ts: inputHash). */
  readonly inputHash: string;
  readonly state: WriteState;
  /** Why it was dead-lettered or discarded, as the executor or operator wrote it. */
  readonly reason: string | null;
  /** The answer's data when the write succeeded; replayed for the same idempotency key. */
  readonly result: JsonValue | null;
  /** What failed, when the write did not succeed. */
  readonly error: Failure | null;
  readonly steps: readonly Step[];
  /** The instance that owns the write, while it is in flight. */
  readonly claimOwner: string | null;
  /** When that ownership lapses unless renewed, ms since the Unix epoch. */
  readonly claimExpiresAt: number | null;
  /** ms since the Unix epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What the executor records before the first call. */
export interface NewWrite {
  readonly mutation: string;
  readonly input: JsonValue;
  readonly caller: Caller;
  readonly idempotencyKey?: string | null;
  readonly steps: readonly PlannedStep[];
}

/** What kind of event an audit entry records. */
export type AuditEvent = 'planned' | 'state' | 'step' | 'claimed' | 'note';

/** One line of the append-only audit trail. */
export interface AuditEntry {
  /** Increases with every entry in the journal; a cursor for paging. */
  readonly seq: number;
  /** ms since the Unix epoch. */
  readonly at: number;
  readonly writeId: string;
  readonly mutation: string;
  /** Who asked for the write (identity, else request id). */
  readonly caller: Caller;
  /** Who did this: a gateway instance's owner id, or an operator's name. */
  readonly actor: string;
  readonly event: AuditEvent;
  /** The write's state after the event. */
  readonly state: WriteState;
  /** For `step` events: which system, and its outcome. */
  readonly step: {
    readonly index: number;
    readonly source: string;
    readonly operation: string;
    readonly state: StepState;
  } | null;
  /** A reason, a note, or a failure's safe message. */
  readonly detail: string | null;
}
