/**
 * What every demo system of record offers the demo launcher, the tests and
 * the benchmarks: where it listens, how many calls each operation received,
 * and a way to make it misbehave.
 */

import type { SystemRecords } from './records.js';

export type DemoSystemName = 'storefront' | 'erp' | 'billing';

/** Counts requests per operation, as the backend saw them. */
export interface CallCounter {
  hit(operation: string): void;
  /** `{ "<operation>": n }`, only operations called at least once. */
  snapshot(): Record<string, number>;
  total(): number;
  reset(): void;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  return {
    hit: (operation) => void counts.set(operation, (counts.get(operation) ?? 0) + 1),
    snapshot: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    reset: () => counts.clear(),
  };
}

/**
 * How a system should misbehave, for tests and benchmarks. All off by default.
 *
 * The "…AfterApply" modes apply the write first and then fail to answer, so a
 * caller sees a transient failure, a timeout or a cut connection for a write
 * that the system did in fact apply: the case retries and idempotency keys
 * exist for. A call whose handler refuses it (bad input, a duplicate) is
 * answered with that refusal instead, since nothing was applied.
 *
 * Faults meet new work only: a write whose key the system already knows (an
 * Idempotency-Key, a requestId, an externalReference) is answered as that key
 * always is, first result or duplicate refusal, and takes no fault
 * (MisbehaviourControl.knownKey).
 */
export interface Misbehaviour {
  /**
   * Only calls to these operations misbehave (names as the system counts them:
   * "createOrder", "CreateSalesOrder", "CapturePayment"); the others are
   * answered normally and do not use up failNext and the like. Empty: every
   * operation. @default []
   */
  operations: readonly string[];
  /** Added before every answer, in ms. @default 0 */
  latencyMs: number;
  /**
   * Fraction (0..1) of calls that fail with the protocol's server error
   * (HTTP 500 / SOAP Server fault / gRPC INTERNAL). Deterministic: with 0.25,
   * every fourth call fails. @default 0
   */
  errorRate: number;
  /** Every call is answered as rate-limited (429 + Retry-After / SOAP fault / RESOURCE_EXHAUSTED). @default false */
  rateLimited: boolean;
  /** Every call is answered as unavailable (503 / SOAP Server fault / UNAVAILABLE). @default false */
  unavailable: boolean;
  /**
   * The next this many calls fail as `failWith` says, then calls are answered
   * normally: "a 503, then a 200" for counting retries. @default 0
   */
  failNext: number;
  /** How the `failNext` calls fail. @default "unavailable" */
  failWith: Failure;
  /**
   * The next this many calls are refused for good, without being applied:
   * HTTP 422 / SOAP Client fault (REJECTED) / gRPC INVALID_ARGUMENT. @default 0
   */
  rejectNext: number;
  /** The next this many calls are applied, then answered as unavailable (503 / SOAP Server.Unavailable / UNAVAILABLE). @default 0 */
  failAfterApply: number;
  /** The next this many calls are applied, then never answered: the caller times out. @default 0 */
  hangAfterApply: number;
  /** The next this many calls are applied, then the connection is cut in the middle of the answer. @default 0 */
  dropAfterApply: number;
  /**
   * The wait rate-limited and unavailable answers announce, in ms: HTTP
   * Retry-After (whole seconds, rounded up), gRPC grpc-retry-pushback-ms.
   * @default 1000
   */
  retryAfterMs: number;
}

export const NO_MISBEHAVIOUR: Readonly<Misbehaviour> = Object.freeze({
  operations: Object.freeze([]) as readonly string[],
  latencyMs: 0,
  errorRate: 0,
  rateLimited: false,
  unavailable: false,
  failNext: 0,
  failWith: 'unavailable',
  rejectNext: 0,
  failAfterApply: 0,
  hangAfterApply: 0,
  dropAfterApply: 0,
  retryAfterMs: 1_000,
} satisfies Misbehaviour);

/** A failure answered instead of the call: nothing was applied. */
export type Failure = 'error' | 'rate-limited' | 'unavailable';
/** What happens after the call was applied, instead of its answer. */
export type AfterApply = 'fail-after-apply' | 'hang-after-apply' | 'drop-after-apply';
/** How one call is answered: normally, with a failure before it is applied ('rejected' is permanent), or badly after. */
export type Verdict = 'ok' | Failure | 'rejected' | AfterApply;

export const isAfterApply = (verdict: Verdict): verdict is AfterApply =>
  verdict.endsWith('-after-apply');

/** True when health checks should say "down": `unavailable` for every operation, not only some. */
export const isDown = (settings: Readonly<Misbehaviour>): boolean =>
  settings.unavailable && settings.operations.length === 0;

const FAILURES: ReadonlySet<string> = new Set(['error', 'rate-limited', 'unavailable']);
const MAX_OPERATIONS = 100;

/**
 * Checks settings from outside (the admin endpoint): unknown keys and wrong
 * types are refused with a sentence, so a typo never silently misbehaves as "all off".
 */
export function parseMisbehaviour(input: Readonly<Record<string, unknown>>): Partial<Misbehaviour> {
  const settings: Partial<Misbehaviour> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
      case 'errorRate':
      case 'failNext':
      case 'rejectNext':
      case 'failAfterApply':
      case 'hangAfterApply':
      case 'dropAfterApply':
      case 'retryAfterMs':
        if (
          typeof value !== 'number' ||
          !Number.isFinite(value) ||
          value < 0 ||
          (key === 'errorRate' && value > 1)
        ) {
          throw new Error(
            `${key} should be a ${key === 'errorRate' ? 'number from 0 to 1' : 'number of at least 0'}, instead got ${JSON.stringify(value)}.`,
          );
        }
        settings[key] = value;
        break;
      case 'rateLimited':
      case 'unavailable':
        if (typeof value !== 'boolean')
          throw new Error(`${key} should be true or false, instead got ${JSON.stringify(value)}.`);
        settings[key] = value;
        break;
      case 'failWith':
        if (typeof value !== 'string' || !FAILURES.has(value))
          throw new Error(
            `failWith should be one of ${[...FAILURES].join(', ')}, instead got ${JSON.stringify(value)}.`,
          );
        settings.failWith = value as Misbehaviour['failWith'];
        break;
      case 'operations':
        if (
          !Array.isArray(value) ||
          value.length > MAX_OPERATIONS ||
          !value.every((name) => typeof name === 'string' && name.length > 0 && name.length <= 100)
        ) {
          throw new Error(
            `operations should be a list of at most ${MAX_OPERATIONS} operation names (e.g. ["CreateSalesOrder"]), instead got ${JSON.stringify(value)?.slice(0, 200)}.`,
          );
        }
        settings.operations = Object.freeze([...(value as string[])]);
        break;
      default:
        throw new Error(
          `Unknown setting "${key}". Known: ${Object.keys(NO_MISBEHAVIOUR).join(', ')}.`,
        );
    }
  }
  return settings;
}

/** Holds the current misbehaviour and decides the fate of each call. */
export interface MisbehaviourControl {
  set(settings: Partial<Misbehaviour>): void;
  current(): Readonly<Misbehaviour>;
  /**
   * Waits the configured latency, then says how this call of `operation`
   * should be answered. Calls outside `operations` are answered 'ok' at once.
   */
  decide(operation?: string): Promise<Verdict>;
  /**
   * For a call that brings no new work: a write whose idempotency key (or
   * natural key) the system already knows, which it answers as it always
   * answers that key. Waits the configured latency like any call, then
   * answers 'ok' without taking a fault: failNext, rejectNext and the
   * after-apply modes stay for the next new write, errorRate's sequence does
   * not move, and unavailable and rateLimited do not apply. Real systems
   * answer a known key with its first result (the IETF Idempotency-Key
   * draft, payment APIs), so a demo that refused the retry of a write it had
   * applied would make callers undo writes that did happen.
   */
  knownKey(operation?: string): Promise<'ok'>;
}

export function createMisbehaviourControl(): MisbehaviourControl {
  let settings: Misbehaviour = { ...NO_MISBEHAVIOUR };
  let calls = 0;
  // What is left of each scripted mode, taken in this order: a call gets the first one with some left.
  let left: Array<[Verdict, number]> = [];
  const inScope = (operation: string | undefined): boolean =>
    settings.operations.length === 0 ||
    (operation !== undefined && settings.operations.includes(operation));
  const wait = async (): Promise<void> => {
    if (settings.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
  };
  return {
    set(next) {
      settings = { ...NO_MISBEHAVIOUR, ...next };
      calls = 0;
      left = [
        [settings.failWith, settings.failNext],
        ['rejected', settings.rejectNext],
        ['fail-after-apply', settings.failAfterApply],
        ['hang-after-apply', settings.hangAfterApply],
        ['drop-after-apply', settings.dropAfterApply],
      ];
    },
    current: () => settings,
    async decide(operation) {
      if (!inScope(operation)) return 'ok';
      calls += 1;
      // Decided before the latency, so concurrent calls take the failures in arrival order.
      const slot = left.find(([, n]) => n > 0);
      if (slot) slot[1] -= 1;
      await wait();
      if (slot) return slot[0];
      if (settings.unavailable) return 'unavailable';
      if (settings.rateLimited) return 'rate-limited';
      // Spreads failures evenly instead of at random, so a test sees the same calls fail each run.
      if (
        settings.errorRate > 0 &&
        Math.floor(calls * settings.errorRate) !== Math.floor((calls - 1) * settings.errorRate)
      )
        return 'error';
      return 'ok';
    },
    async knownKey(operation) {
      if (inScope(operation)) await wait();
      return 'ok';
    },
  };
}

/** The Retry-After header's value for a wait in ms: whole seconds, rounded up (RFC 9110 10.2.3). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.ceil(ms / 1000));
}

/** A running demo system. */
export interface DemoSystem {
  readonly name: DemoSystemName;
  /** Where a client reaches it: "http://127.0.0.1:4001" (REST, SOAP) or "127.0.0.1:4003" (gRPC). */
  readonly url: string;
  readonly port: number;
  /** Absolute path of its contract: openapi.yaml, erp.wsdl or billing.proto. */
  readonly contract: string;
  readonly counter: CallCounter;
  readonly misbehaviour: MisbehaviourControl;
  /** Its write log and every record written since start (GET /__admin/records), so tests can assert "applied exactly once". */
  records(): SystemRecords;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Options every demo system's start function takes. */
export interface DemoSystemOptions {
  /** 0 picks a free port. */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
}
