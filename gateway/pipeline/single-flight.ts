/**
 * Cross-request single-flight for the read cache: while a read of one cache
 * key is out, identical reads from any request wait for it instead of
 * calling the backend again. Per key, so a batch leads the keys nobody is
 * fetching and joins the ones already out. One table per source pipeline
 * (per gateway, per process). Hand-written: the table is a Map of promises,
 * and what a joiner does with a failure (next paragraph) is ours.
 *
 * A read led by a request whose caller went away fails as "cancelled";
 * joiners see `cancelled: true` and fetch for themselves.
 */

/** How one led read ended, as every joiner sees it. */
export type FlightOutcome =
  | { readonly ok: true; readonly value: unknown; readonly notFound?: boolean }
  | { readonly ok: false; readonly error: unknown; readonly cancelled: boolean };

export interface Flights {
  /** The read of `key` in flight, if any. */
  get(key: string): Promise<FlightOutcome> | undefined;
  /** Registers a read of each key; settle each with the returned functions, in the same order. */
  lead(keys: readonly string[]): Array<(outcome: FlightOutcome) => void>;
  /** Reads in flight, for `state()`. */
  readonly size: number;
}

export function createFlights(): Flights {
  const table = new Map<string, Promise<FlightOutcome>>();
  return {
    get: (key) => table.get(key),
    lead(keys) {
      return keys.map((key) => {
        let settle!: (outcome: FlightOutcome) => void;
        const promise = new Promise<FlightOutcome>((resolve) => {
          settle = resolve;
        });
        table.set(key, promise);
        return (outcome: FlightOutcome) => {
          // Only this read's own entry: a later read of the key may have replaced it.
          if (table.get(key) === promise) table.delete(key);
          settle(outcome);
        };
      });
    },
    get size() {
      return table.size;
    },
  };
}
