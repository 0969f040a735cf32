/**
 * Checks of what is handed to the journal: the plan, the outcomes and the
 * results. The caller's input and the backends' answers pass through here,
 * so this is the hostile edge: values JSON cannot hold, cycles, absurd depth
 * or size, and idempotency keys no header could carry are refused with a
 * coded error before anything is stored.
 */
import { WriteError } from './errors.js';
import type { Compensation, NewWrite, RepeatSafety } from './model.js';

/** Most nesting of a stored JSON value; deeper input is refused, not recursed into. */
const MAX_JSON_DEPTH = 64;
/** Longest caller idempotency key (Stripe and the IETF draft's examples stay far below). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Most steps of one write. */
const MAX_STEPS = 64;
/** Longest name (mutation, source, operation, identity, request id, actor, reason). */
const MAX_NAME_LENGTH = 512;

function invalid(what: string): WriteError {
  return new WriteError({
    code: 'WRITE_RECORD_INVALID',
    safeMessage: `The write journal refused a record: ${what}.`,
  });
}

/** Null when `value` is JSON the stores keep as it is; else what is wrong, at which path. */
export function jsonProblem(
  value: unknown,
  path = '$',
  depth = 0,
  seen = new Set<object>(),
): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : `${path} is not a finite number`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}, not JSON`;
  if (depth >= MAX_JSON_DEPTH) return `${path} is nested deeper than ${MAX_JSON_DEPTH}`;
  if (seen.has(value)) return `${path} refers back to itself`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        const problem = jsonProblem(value[i], `${path}[${i}]`, depth + 1, seen);
        if (problem) return problem;
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return `${path} is an object of a class, not plain JSON`;
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(item, `${path}.${key.slice(0, 40)}`, depth + 1, seen);
      if (problem) return problem;
    }
    return null;
  } finally {
    seen.delete(value);
  }
}

/** The JSON text of `value`, refused with WRITE_RECORD_INVALID when it is not JSON or too large. */
export function toStoredJson(value: unknown, what: string, maxBytes: number): string {
  const problem = jsonProblem(value);
  if (problem) throw invalid(`${what}: ${problem}`);
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > maxBytes) throw invalid(`${what} is larger than ${maxBytes} bytes`);
  return text;
}

/** NUL (PostgreSQL's text cannot hold it) and lone surrogates (UTF-8 cannot): both engines refuse them alike. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_NAME_LENGTH &&
    !UNSTORABLE.test(value)
  );
}

/**
 * A free text the journal copies into a text column (an error's message
 * into the audit trail's detail): made storable and cut to `MAX_NAME_LENGTH`,
 * since it comes from elsewhere and refusing it would lose the record.
 */
export function storableText(value: string): string {
  return value.replace(UNSTORABLE_ALL, '\uFFFD').slice(0, MAX_NAME_LENGTH);
}

/** Refuses a name (mutation, source, operation, actor...) that is empty, too long or not a string. */
export function checkName(value: unknown, what: string): string {
  if (!isName(value))
    throw invalid(
      `${what} must be a string of 1 to ${MAX_NAME_LENGTH} characters, without NUL or lone surrogates`,
    );
  return value;
}

/**
 * Refuses a caller idempotency key that is empty, longer than 255
 * characters, or holds anything but printable ASCII (it arrives in an HTTP
 * header and is echoed in logs and the operator's listing).
 */
export function checkIdempotencyKey(key: unknown): string {
  if (
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= MAX_IDEMPOTENCY_KEY_LENGTH &&
    /^[\x21-\x7e]+$/.test(key)
  )
    return key;
  throw new WriteError({
    code: 'IDEMPOTENCY_KEY_INVALID',
    safeMessage: `An idempotency key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces.`,
  });
}

function checkRepeatSafety(value: RepeatSafety, at: string): void {
  if (
    value?.kind === 'backend-key' ||
    value?.kind === 'none' ||
    value?.kind === 'read' ||
    value?.kind === 'idempotent'
  )
    return;
  if (value?.kind === 'natural-key' && isName(value.lookup)) return;
  throw invalid(
    `${at}.repeatSafety must be backend-key, natural-key with a lookup, read, idempotent, or none`,
  );
}

function checkCompensation(value: Compensation, at: string): void {
  if (value?.kind === 'operation' && isName(value.operation)) return;
  if (value?.kind === 'none' && isName(value.reason)) return;
  throw invalid(`${at}.compensation must be an operation, or none with a reason`);
}

/** Checks a plan before it is stored; returns the caller key (or null). */
export function checkNewWrite(plan: NewWrite): string | null {
  checkName(plan.mutation, 'mutation');
  if (plan.caller === null || typeof plan.caller !== 'object') throw invalid('caller is missing');
  checkName(plan.caller.requestId, 'caller.requestId');
  if (plan.caller.identity !== null) checkName(plan.caller.identity, 'caller.identity');
  if (plan.caller.partner !== undefined) checkName(plan.caller.partner, 'caller.partner');
  if (!Array.isArray(plan.steps) || plan.steps.length === 0 || plan.steps.length > MAX_STEPS) {
    throw invalid(`a write has 1 to ${MAX_STEPS} steps`);
  }
  plan.steps.forEach((step, position) => {
    const at = `steps[${position}]`;
    if (step.index !== position)
      throw invalid(`${at}.index must be ${position}: steps are numbered 0, 1, 2... in order`);
    checkName(step.source, `${at}.source`);
    checkName(step.operation, `${at}.operation`);
    checkRepeatSafety(step.repeatSafety, at);
    checkCompensation(step.compensation, at);
  });
  return plan.idempotencyKey === undefined || plan.idempotencyKey === null
    ? null
    : checkIdempotencyKey(plan.idempotencyKey);
}
