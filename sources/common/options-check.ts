/**
 * Checks a source factory's options before anything is read: an unknown key
 * at any level (a `bacth:` that silently turned 20 prices into 20 calls) is
 * CONFIG_INVALID with the closest known key. Each kind lists its keys next to
 * its options type, with a compile-time check that the list is complete.
 */
import type { BatchDeclaration } from './batch.js';
import { SourceConfigError } from './errors.js';
import { closestNames } from './suggest.js';

/** Every key of a BatchDeclaration, for the check below. */
export const BATCH_DECLARATION_KEYS = Object.freeze([
  'via',
  'key',
  'listArgument',
  'itemKey',
  'resultPath',
  'many',
  'maxKeys',
] as const satisfies ReadonlyArray<keyof BatchDeclaration>);
const batchKeysComplete: Exclude<
  keyof BatchDeclaration,
  (typeof BATCH_DECLARATION_KEYS)[number]
> extends never
  ? true
  : never = true;
void batchKeysComplete;

function unknownKey(
  source: string,
  path: string,
  key: string,
  known: readonly string[],
): SourceConfigError {
  const near = closestNames(key, known);
  const hint =
    near.length > 0
      ? `did you mean ${near.map((name) => `"${name}"`).join(' or ')}?`
      : `known options: ${known.join(', ')}.`;
  return new SourceConfigError({
    source,
    path,
    safeMessage: `Source option "${path}" of ${source} is not an option: ${hint}`,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws SourceConfigError (CONFIG_INVALID) for an unknown option key, and for
 * a `batch` that is not a map of declarations with known keys.
 * @param kind e.g. "REST", for the message
 */
export function checkSourceOptions(kind: string, options: unknown, known: readonly string[]): void {
  if (!isPlainObject(options))
    throw new SourceConfigError({
      source: kind,
      path: '',
      safeMessage: `${kind} source options should be an object, instead got ${describe(options)}.`,
    });
  const source = typeof options.name === 'string' ? options.name : `a ${kind} source`;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownKey(source, key, key, known);
  }
  const batch = options.batch;
  if (batch === undefined) return;
  if (!isPlainObject(batch))
    throw new SourceConfigError({
      source,
      path: 'batch',
      safeMessage: `Source option "batch" of ${source} should be an object of declarations by operation name, instead got ${describe(batch)}.`,
    });
  for (const [operation, declaration] of Object.entries(batch)) {
    const path = `batch.${operation}`;
    if (!isPlainObject(declaration))
      throw new SourceConfigError({
        source,
        path,
        safeMessage: `Source option "${path}" of ${source} should be a batch declaration ({ key, itemKey, via?, … }), instead got ${describe(declaration)}.`,
      });
    for (const key of Object.keys(declaration)) {
      if (!(BATCH_DECLARATION_KEYS as readonly string[]).includes(key))
        throw unknownKey(source, `${path}.${key}`, key, BATCH_DECLARATION_KEYS);
    }
    for (const key of ['key', 'itemKey'] as const) {
      if (typeof declaration[key] !== 'string' || declaration[key] === '') {
        throw new SourceConfigError({
          source,
          path: `${path}.${key}`,
          safeMessage: `Source option "${path}.${key}" of ${source} should be a non-empty string, instead got ${describe(declaration[key])}.`,
        });
      }
    }
  }
}
