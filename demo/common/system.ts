/**
 * What every demo system of record offers the demo launcher, the tests and
 * the benchmarks: where it listens, how many calls each operation received,
 * and a way to make it misbehave.
 */

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

/** How a system should misbehave, for tests and benchmarks. All off by default. */
export interface Misbehaviour {
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
}

export const NO_MISBEHAVIOUR: Readonly<Misbehaviour> = Object.freeze({ latencyMs: 0, errorRate: 0, rateLimited: false, unavailable: false });

export type Verdict = 'ok' | 'error' | 'rate-limited' | 'unavailable';

/** Holds the current misbehaviour and decides the fate of each call. */
export interface MisbehaviourControl {
  set(settings: Partial<Misbehaviour>): void;
  current(): Readonly<Misbehaviour>;
  /** Waits the configured latency, then says how this call should be answered. */
  decide(): Promise<Verdict>;
}

export function createMisbehaviourControl(): MisbehaviourControl {
  let settings: Misbehaviour = { ...NO_MISBEHAVIOUR };
  let calls = 0;
  return {
    set(next) {
      settings = { ...NO_MISBEHAVIOUR, ...next };
      calls = 0;
    },
    current: () => settings,
    async decide() {
      calls += 1;
      if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
      if (settings.unavailable) return 'unavailable';
      if (settings.rateLimited) return 'rate-limited';
      // Spreads failures evenly instead of at random, so a test sees the same calls fail each run.
      if (settings.errorRate > 0 && Math.floor(calls * settings.errorRate) !== Math.floor((calls - 1) * settings.errorRate)) return 'error';
      return 'ok';
    },
  };
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
