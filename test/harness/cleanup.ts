/**
 * Everything a test file starts (demo systems, gateways, child processes,
 * browsers) is registered here, so one `afterAll` stops it all even when a
 * test fails half-way. Vitest runs each test file in its own fork with its
 * own module instances, so this module-level list belongs to one file.
 */
import { afterAll } from 'vitest';

/** Something that can be stopped. `close` must be safe to call twice. */
export interface Closeable {
  close(): Promise<void>;
}

interface Entry {
  readonly label: string;
  readonly thing: Closeable;
}

const entries: Entry[] = [];

/**
 * Registers `thing` to be closed by `closeAll()`, and returns it.
 * @param label names it in the error when closing fails, e.g. "gateway".
 */
export function track<T extends Closeable>(thing: T, label: string): T {
  entries.push({ label, thing });
  return thing;
}

/** Forgets `thing` (after it closed itself); unknown things are ignored. */
export function untrack(thing: Closeable): void {
  const index = entries.findIndex((entry) => entry.thing === thing);
  if (index >= 0) entries.splice(index, 1);
}

/** How many things are registered and not closed yet. */
export function trackedCount(): number {
  return entries.length;
}

/**
 * Closes everything registered, newest first (a gateway before the systems
 * it calls), even when some fail; then rejects with every failure at once.
 */
export async function closeAll(): Promise<void> {
  const failures: Error[] = [];
  while (entries.length > 0) {
    const entry = entries.pop() as Entry;
    try {
      await entry.thing.close();
    } catch (error) {
      failures.push(
        new Error(
          `closing ${entry.label} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      );
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, failures.map((failure) => failure.message).join('; '));
}

/**
 * Call once at the top of a test file (or a describe block): stops everything
 * the harness started after the file's tests ran, whatever their outcome.
 */
export function useHarness(): void {
  afterAll(closeAll);
}
