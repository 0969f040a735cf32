/**
 * Starts demo systems of record for one test file, on 127.0.0.1 and port 0,
 * and hands back their call counts.
 */
import {
  DEMO_SYSTEMS,
  type BillingOptions,
  type DemoSystem,
  type DemoSystemName,
  type ErpOptions,
  type StorefrontOptions,
} from '../../demo/index.js';
import { track, untrack } from './cleanup.js';

/** Options per system, passed to its start function (host and port are the harness's). */
export interface StartSystemsOptions {
  storefront?: Omit<StorefrontOptions, 'port' | 'host'>;
  erp?: Omit<ErpOptions, 'port' | 'host'>;
  billing?: Omit<BillingOptions, 'port' | 'host'>;
}

export interface Systems {
  /** The started systems; reading one that was not started throws a clear error. */
  readonly storefront: DemoSystem;
  readonly erp: DemoSystem;
  readonly billing: DemoSystem;
  /** The started systems, in start order. */
  readonly list: readonly DemoSystem[];
  has(name: DemoSystemName): boolean;
  /** Calls each system received, per operation; `{}` for a system not started. */
  counts(): Record<DemoSystemName, Record<string, number>>;
  /** Calls each system received, summed over its operations. */
  totals(): Record<DemoSystemName, number>;
  /** Zeroes every counter. */
  resetCounts(): void;
  /** Stops every system. Safe to call twice. */
  close(): Promise<void>;
}

const ALL: readonly DemoSystemName[] = ['storefront', 'erp', 'billing'];

/** The names of the systems that exist in `demo/`, in start order. */
export function availableSystems(): DemoSystemName[] {
  return DEMO_SYSTEMS.map((system) => system.name);
}

/**
 * Starts `names` (default: every system that exists) in parallel and
 * registers them for `closeAll()`. When one fails to start, the others are
 * stopped before the error is rethrown.
 */
export async function startSystems(
  names: readonly DemoSystemName[] = availableSystems(),
  options: StartSystemsOptions = {},
): Promise<Systems> {
  const wanted = [...new Set(names)];
  const missing = wanted.filter((name) => !DEMO_SYSTEMS.some((system) => system.name === name));
  if (missing.length > 0) {
    throw new Error(
      `Demo system(s) ${missing.join(', ')} do not exist yet; available: ${availableSystems().join(', ') || 'none'}.`,
    );
  }
  const starters = DEMO_SYSTEMS.filter((system) => wanted.includes(system.name));
  const outcomes = await Promise.allSettled(
    starters.map((system) => system.start({ ...options[system.name], host: '127.0.0.1', port: 0 })),
  );
  const started = outcomes.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const failure = outcomes.find(
    (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
  );
  if (failure) {
    await Promise.allSettled(started.map((system) => system.close()));
    throw failure.reason;
  }
  return track(createSystems(started), `demo systems ${wanted.join(', ')}`);
}

function createSystems(started: readonly DemoSystem[]): Systems {
  const byName = new Map(started.map((system) => [system.name, system]));
  const get = (name: DemoSystemName): DemoSystem => {
    const system = byName.get(name);
    if (!system)
      throw new Error(`The ${name} system was not started; pass it to startSystems([...]).`);
    return system;
  };
  const perSystem = <T>(read: (system: DemoSystem) => T, none: T): Record<DemoSystemName, T> =>
    Object.fromEntries(
      ALL.map((name) => [name, byName.has(name) ? read(get(name)) : none]),
    ) as Record<DemoSystemName, T>;
  let closing: Promise<void> | undefined;
  const systems: Systems = {
    get storefront() {
      return get('storefront');
    },
    get erp() {
      return get('erp');
    },
    get billing() {
      return get('billing');
    },
    list: started,
    has: (name) => byName.has(name),
    counts: () => perSystem((system) => system.counter.snapshot(), {}),
    totals: () => perSystem((system) => system.counter.total(), 0),
    resetCounts: () => started.forEach((system) => system.counter.reset()),
    close() {
      closing ??= (async () => {
        untrack(systems);
        const outcomes = await Promise.allSettled(started.map((system) => system.close()));
        const failed = outcomes.find(
          (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
        );
        if (failed) throw failed.reason;
      })();
      return closing;
    },
  };
  return systems;
}

/**
 * A raw SOAP 1.1 call to the demo erp at `url`: `inner` is the operation
 * element's content (erp namespace prefix `erp:`, types `t:`). Answers the
 * HTTP status and the envelope as text, for tests that look at the wire.
 */
export async function rawErpCall(
  url: string,
  operation: string,
  inner: string,
): Promise<{ status: number; text: string }> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="http://switchboard.example/erp" xmlns:t="http://switchboard.example/erp/types">' +
    `<soap:Body><erp:${operation}>${inner}</erp:${operation}></soap:Body></soap:Envelope>`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"http://switchboard.example/erp/${operation}"`,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}
