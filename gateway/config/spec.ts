/**
 * A small declarative language for config options: each option is declared
 * once, with its default and its rule, and from that one declaration come the
 * defaults (DEFAULTS), the resolved type, the input type editors see (the
 * doc comments on the declarations travel with it) and the checks with
 * messages that name the path, what was expected and what arrived.
 *
 * Written by hand rather than with a schema library: the language is ~150
 * lines, and messages must read as Fastify's do ("should be …, instead got …")
 * with a "did you mean" for unknown keys.
 */
import { closestNames } from '../../sources/common/index.js';
import { GatewayError } from '../errors.js';

/** One option: its default, what it accepts, and how to read a value. `In` is what a person may write, when wider than `T`. */
export interface OptionSpec<T, In = T> {
  readonly kind: 'option';
  /** Only for typing: what a person may write. */
  readonly input?: In;
  readonly default: T;
  /** "an integer from 1 to 100": the first half of a CONFIG_INVALID message. */
  readonly expected: string;
  /** Returns the value, or throws CONFIG_INVALID at `path`. */
  parse(value: unknown, path: string): T;
}

/** A nested object of options. */
export interface SectionSpec<F extends Fields> {
  readonly kind: 'section';
  readonly fields: F;
}

/** A map keyed by names the user chooses (e.g. source names), each value of one spec. */
export interface RecordSpec<V extends Spec> {
  readonly kind: 'record';
  readonly value: V;
  /** e.g. "source name", for messages. */
  readonly keyName: string;
}

// The fields' own types are checked where they are used; `any` here would leak into every inference.
export type Spec = OptionSpec<unknown, unknown> | SectionSpec<Fields> | RecordSpec<Spec>;
export type Fields = { readonly [key: string]: Spec };

/** The resolved value of a spec: every default filled. */
export type Resolved<S> =
  S extends OptionSpec<infer T, unknown>
    ? T
    : S extends SectionSpec<infer F>
      ? { readonly [K in keyof F]: Resolved<F[K]> }
      : S extends RecordSpec<infer V>
        ? Readonly<Record<string, Partial<Input<V>>>>
        : never;

/** What a person may write: every key optional, at every level. */
export type Input<S> =
  S extends OptionSpec<unknown, infer In>
    ? In
    : S extends SectionSpec<infer F>
      ? { [K in keyof F]?: Input<F[K]> }
      : S extends RecordSpec<infer V>
        ? Readonly<Record<string, Input<V>>>
        : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The CONFIG_INVALID error for `path`. */
export function invalid(path: string, expected: string, value: unknown): GatewayError {
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `Config option "${path}" should be ${expected}, instead got ${describe(value)}.`,
    details: { path },
  });
}

function unknownKey(path: string, key: string, known: readonly string[]): GatewayError {
  const near = closestNames(key, known);
  const hint =
    near.length > 0
      ? `did you mean ${near.map((name) => `"${name}"`).join(' or ')}?`
      : `known options: ${known.join(', ')}.`;
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `Config option "${path}" is not one of the known options: ${hint}`,
    details: { path },
  });
}

export function option<T, In = T>(init: {
  default: T;
  expected: string;
  parse: (value: unknown, path: string) => T;
}): OptionSpec<T, In> {
  return { kind: 'option', ...init };
}

/** A whole number from `min` to `max`. */
export function integer(
  defaultValue: number,
  range: { min: number; max?: number } = { min: 0 },
): OptionSpec<number> {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected = `an integer from ${range.min} to ${max}`;
  return option({
    default: defaultValue,
    expected,
    parse(value, path) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > max)
        throw invalid(path, expected, value);
      return value;
    },
  });
}

/** A number from 0 to 1. */
export function ratio(defaultValue: number): OptionSpec<number> {
  const expected = 'a number from 0 to 1';
  return option({
    default: defaultValue,
    expected,
    parse(value, path) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1))
        throw invalid(path, expected, value);
      return value;
    },
  });
}

export function boolean(defaultValue: boolean): OptionSpec<boolean> {
  return option({
    default: defaultValue,
    expected: 'true or false',
    parse(value, path) {
      if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
      return value;
    },
  });
}

/** A string; `nonEmpty` refuses "", `minLength` anything shorter; a `secret` is never quoted back in an error. */
export function text<T extends string | null = string>(
  defaultValue: T,
  rule: { nonEmpty?: boolean; minLength?: number; secret?: boolean; what?: string } = {},
): OptionSpec<T | string> {
  const expected = rule.what ?? (rule.nonEmpty ? 'a non-empty string' : 'a string');
  const minLength = Math.max(rule.nonEmpty === true ? 1 : 0, rule.minLength ?? 0);
  return option<T | string>({
    default: defaultValue,
    expected,
    parse(value, path) {
      // An option that is off by default (null) may be written off explicitly, e.g. from an unset variable.
      if (value === null && defaultValue === null) return defaultValue;
      if (typeof value === 'string' && value.length < minLength && rule.secret === true) {
        throw new GatewayError({
          code: 'CONFIG_INVALID',
          safeMessage: `Config option "${path}" should be ${expected}, instead got a string of ${value.length} characters.`,
          details: { path },
        });
      }
      if (typeof value !== 'string' || value.length < minLength)
        throw invalid(path, expected, value);
      return value;
    },
  });
}

/** One of a fixed list of strings. */
export function oneOf<const V extends string>(
  values: readonly V[],
  defaultValue: NoInfer<V>,
): OptionSpec<V> {
  const expected = `one of ${values.map((value) => `"${value}"`).join(', ')}`;
  return option({
    default: defaultValue,
    expected,
    parse(value, path) {
      if (!values.includes(value as V)) throw invalid(path, expected, value);
      return value as V;
    },
  });
}

export function section<const F extends Fields>(fields: F): SectionSpec<F> {
  return { kind: 'section', fields };
}

export function record<V extends Spec>(value: V, keyName: string): RecordSpec<V> {
  return { kind: 'record', value, keyName };
}

/** Throws CONFIG_INVALID, with the closest known key, for the first key of `value` not in `known`. */
export function checkKnownKeys(value: object, known: readonly string[], path: string): void {
  for (const key of Object.keys(value))
    if (!known.includes(key)) throw unknownKey(join(path, key), key, known);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function defaultsOfSpec(spec: Spec): unknown {
  if (spec.kind === 'option') return spec.default;
  if (spec.kind === 'record') return Object.freeze({});
  return Object.freeze(
    Object.fromEntries(
      Object.entries(spec.fields).map(([key, inner]) => [key, defaultsOfSpec(inner)]),
    ),
  );
}

/** The defaults of a spec, frozen. A record's default is `{}`. */
export function defaultsOf<S extends Spec>(spec: S): Resolved<S> {
  return defaultsOfSpec(spec) as Resolved<S>;
}

/**
 * Reads `value` against `spec`. With `fill`, absent options take their
 * defaults; without it, only given options are returned (overrides that are
 * merged over other values later, as per-source pipeline settings are).
 */
export function parseSpec<S extends Spec>(
  spec: S,
  value: unknown,
  path: string,
  fill = true,
): Resolved<S> {
  return parseAny(spec, value, path, fill) as Resolved<S>;
}

function parseAny(spec: Spec, value: unknown, path: string, fill: boolean): unknown {
  if (spec.kind === 'option') return value === undefined ? spec.default : spec.parse(value, path);
  if (value === undefined) return fill ? defaultsOfSpec(spec) : {};
  if (!isPlainObject(value))
    throw invalid(
      path,
      spec.kind === 'record' ? `an object keyed by ${spec.keyName}` : 'an object',
      value,
    );
  if (spec.kind === 'record') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        parseAny(spec.value, inner, join(path, key), false),
      ]),
    );
  }
  checkKnownKeys(value, Object.keys(spec.fields), path);
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(spec.fields)) {
    if (!fill && value[key] === undefined) continue;
    result[key] = parseAny(inner, value[key], join(path, key), fill);
  }
  return result;
}
