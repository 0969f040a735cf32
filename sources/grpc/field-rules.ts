/**
 * Proto field rules → `@constraint` (issue 14): protovalidate's
 * `(buf.validate.field)` and protoc-gen-validate's older `(validate.rules)`
 * options, as protobufjs parses them from a .proto file (flat keys such as
 * "(buf.validate.field).string.max_len"), so the gateway refuses what the
 * backend's validator would refuse before calling it.
 *
 * Kept: gt/gte/lt/lte/const of the numeric kinds, min_len/max_len/len/
 * max_bytes/pattern of strings, max_len of bytes, min_items/max_items (and
 * `items` rules) of repeated fields, min_pairs/max_pairs of maps. Ranges of
 * fields that are BigInt in GraphQL (uint32 and the 64-bit kinds, strings to
 * keep every digit) are returned as `bounds`; with the kind's own range they
 * become the field's `@constraint` in digits (integerConstraint, model.ts),
 * and are checked again when the request is encoded (values.ts). Other rules (email,
 * uuid, in, prefix, CEL…) are left to the backend. Contracts read by
 * reflection carry no options here: their rules are not seen.
 */
import type protobuf from 'protobufjs';
import { INTEGER_WIDTHS, type SourceWarning, type ValueConstraint } from '../common/index.js';

const PREFIXES = ['(buf.validate.field).', '(validate.rules).'];
const NUMERIC_KINDS = new Set([
  'float',
  'double',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
]);

/** What each integer kind of a BigInt field can hold: protobufjs would wrap a value past it silently (2^64 → 0, -1 → 2^64 - 1). */
export const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = (() => {
  const { int64, uint64, uint32 } = INTEGER_WIDTHS;
  const kinds = {
    uint32,
    fixed32: uint32,
    int64,
    sint64: int64,
    sfixed64: int64,
    uint64,
    fixed64: uint64,
  };
  return Object.fromEntries(
    Object.entries(kinds).map(([kind, [min, max]]) => [kind, [BigInt(min), BigInt(max)] as const]),
  );
})();

/**
 * A BigInt field's range as `@constraint` bounds, in digits: its kind's
 * (INTEGER_RANGES) narrowed by its rules' `bounds`, so the edge refuses
 * 2^64 for a uint64 (or a value past a rule) with BAD_USER_INPUT naming the
 * argument, before any call; undefined for other kinds.
 */
export function integerConstraint(
  protoType: string,
  rules: FieldRules,
): ValueConstraint | undefined {
  const range = INTEGER_RANGES[protoType];
  if (range === undefined) return undefined;
  const { min: ruleMin, max: ruleMax } = rules.bounds ?? {};
  const min = ruleMin !== undefined && ruleMin > range[0] ? ruleMin : range[0];
  const max = ruleMax !== undefined && ruleMax < range[1] ? ruleMax : range[1];
  return { ...rules.constraint, min: min.toString(), max: max.toString() };
}

/** Inclusive integer bounds of a BigInt-typed field. */
export interface IntegerBounds {
  readonly min?: bigint;
  readonly max?: bigint;
}

export interface FieldRules {
  readonly constraint?: ValueConstraint;
  readonly bounds?: IntegerBounds;
}

/** "(buf.validate.field).string.max_len" → ["string", "max_len"]; both spellings of the option. */
function rulesOf(options: Record<string, unknown> | undefined): Array<[string[], unknown]> {
  const rules: Array<[string[], unknown]> = [];
  for (const [key, value] of Object.entries(options ?? {})) {
    const prefix = PREFIXES.find((p) => key.startsWith(p));
    if (prefix !== undefined) rules.push([key.slice(prefix.length).split('.'), value]);
  }
  return rules;
}

const toNumber = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const toCount = (value: unknown): number | undefined => {
  // uint64 rule values may arrive as Long objects or strings.
  const n = toNumber(typeof value === 'object' && value !== null ? String(value) : value);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
};
const toBigInt = (value: unknown): bigint | undefined => {
  const text = typeof value === 'object' && value !== null ? String(value) : String(value);
  return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
};

const pick = (a: number | undefined, b: number | undefined, f: (x: number, y: number) => number) =>
  a === undefined ? b : b === undefined ? a : f(a, b);

/**
 * RE2 (what protovalidate and protoc-gen-validate use) → JavaScript, `u`
 * flag, matched anywhere in the string as RE2 does (the gateway matches the
 * whole value, so the pattern is wrapped; `^`/`$` still mean the ends).
 * `.` and `\s` are narrowed to RE2's meaning; flags, named groups, `\C`,
 * `\Q…\E` and POSIX classes are refused (undefined).
 */
export function translateRe2(pattern: string): { pattern?: string; reason?: string } {
  if (/\(\?(?!:)/.test(pattern)) return { reason: 'it uses RE2 flags or named groups' };
  if (/\\[CQEpP][^{]|\\[CQE]$|\[\[:/.test(pattern))
    return { reason: 'it uses an RE2-only construct' };
  let out = '';
  let inClass = false;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const next = chars[i + 1] ?? '';
      i++;
      if (next === 'A') out += '^';
      else if (next === 'z') out += '$';
      else if (next === 's') out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      else if (next === 'S') {
        if (inClass) return { reason: '\\S inside a character class' };
        out += '[^\\t\\n\\f\\r ]';
      } else out += `\\${next}`;
    } else if (inClass) {
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (chars[i + 1] === '^') out += chars[++i];
      if (chars[i + 1] === ']') out += `\\${chars[++i]}`;
    } else out += c === '.' ? '[^\\n]' : c;
  }
  const whole = `[\\s\\S]*(?:${out})[\\s\\S]*`;
  try {
    new RegExp(`^(?:${whole})$`, 'u');
  } catch {
    return { reason: 'JavaScript cannot compile it' };
  }
  return { pattern: whole };
}

/** The rules of scalar kind `kind` (rule path without the kind) for a value of GraphQL type `graphql`. */
function scalarRules(
  rules: Array<[string[], unknown]>,
  graphql: string,
  where: string,
  warn: (warning: SourceWarning) => void,
): FieldRules {
  const c: Record<string, number | string | undefined> = {};
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const [[kind, rule], value] of rules) {
    if (kind === undefined || rule === undefined) continue;
    if (NUMERIC_KINDS.has(kind)) {
      if (graphql === 'BigInt') {
        const n = toBigInt(value);
        if (n === undefined) continue;
        if (rule === 'gte' || rule === 'const') min = min === undefined || n > min ? n : min;
        if (rule === 'gt') min = min === undefined || n + 1n > min ? n + 1n : min;
        if (rule === 'lte' || rule === 'const') max = max === undefined || n < max ? n : max;
        if (rule === 'lt') max = max === undefined || n - 1n < max ? n - 1n : max;
        continue;
      }
      const n = toNumber(value);
      if (n === undefined) continue;
      if (rule === 'gte' || rule === 'const') c.min = pick(c.min as number, n, Math.max);
      if (rule === 'lte' || rule === 'const') c.max = pick(c.max as number, n, Math.min);
      if (rule === 'gt') c.exclusiveMin = n;
      if (rule === 'lt') c.exclusiveMax = n;
    } else if (kind === 'string') {
      const n = toCount(value);
      // A string of at most N bytes has at most N characters (the check is looser, never wrong).
      if (rule === 'max_len' || rule === 'max_bytes' || rule === 'len')
        c.maxLength = pick(c.maxLength as number, n, Math.min);
      if (rule === 'min_len' || rule === 'len')
        c.minLength = pick(c.minLength as number, n, Math.max);
      if (rule === 'pattern' && typeof value === 'string') {
        const translated = translateRe2(value);
        if (translated.pattern !== undefined) c.pattern = translated.pattern;
        else
          warn({
            path: where,
            message: `Pattern "${value}" of ${where} is not checked at the edge: ${translated.reason ?? ''}; the backend still validates it.`,
          });
      }
    } else if (kind === 'bytes' && (rule === 'max_len' || rule === 'len')) {
      const n = toCount(value);
      // Base64 of N bytes is 4 * ceil(N / 3) characters.
      if (n !== undefined)
        c.maxLength = pick(c.maxLength as number, 4 * Math.ceil(n / 3), Math.min);
    }
  }
  const kept = Object.entries(c).filter(([, v]) => v !== undefined);
  return {
    ...(kept.length > 0 ? { constraint: Object.fromEntries(kept) as ValueConstraint } : {}),
    ...(min !== undefined || max !== undefined
      ? { bounds: { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) } }
      : {}),
  };
}

/**
 * The rules of `field` as a `@constraint` (and integer bounds for BigInt
 * fields); `graphql` is the GraphQL scalar of its values (or of its items),
 * undefined for messages and enums.
 */
export function fieldRules(
  field: protobuf.Field,
  graphql: string | undefined,
  kind: 'single' | 'repeated' | 'map',
  where: string,
  warn: (warning: SourceWarning) => void,
): FieldRules {
  const rules = rulesOf(field.options);
  if (rules.length === 0) return {};
  const counts: Record<string, number | undefined> = {};
  let own: Array<[string[], unknown]> = rules;
  if (kind === 'repeated') {
    own = [];
    for (const [path, value] of rules) {
      if (path[0] !== 'repeated') continue;
      if (path[1] === 'min_items') counts.minItems = toCount(value);
      else if (path[1] === 'max_items') counts.maxItems = toCount(value);
      else if (path[1] === 'items') own.push([path.slice(2), value]);
    }
  } else if (kind === 'map') {
    own = [];
    for (const [path, value] of rules) {
      if (path[0] !== 'map') continue;
      if (path[1] === 'min_pairs') counts.minItems = toCount(value);
      else if (path[1] === 'max_pairs') counts.maxItems = toCount(value);
    }
  }
  const scalar = graphql === undefined ? {} : scalarRules(own, graphql, where, warn);
  const keptCounts = Object.entries(counts).filter(([, v]) => v !== undefined);
  const constraint = { ...(scalar.constraint ?? {}), ...Object.fromEntries(keptCounts) };
  return {
    ...(Object.keys(constraint).length > 0 ? { constraint: constraint as ValueConstraint } : {}),
    ...(scalar.bounds ? { bounds: scalar.bounds } : {}),
  };
}
