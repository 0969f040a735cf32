/**
 * A JSON Schema's limits (minimum, maximum, minLength, maxLength, pattern,
 * minItems, maxItems) as the `@constraint` of an input value, so the gateway
 * refuses what the backend would refuse before calling it. Only limits that
 * fit the GraphQL type are kept: ranges on Int, Float, BigInt and Decimal
 * (a BigInt's also from its format: int64 is ±2^63, in digits the gateway
 * compares exactly), lengths and patterns on String and ID, item counts on
 * lists (a list also carries its scalar items' limits, which the gateway
 * applies to each item).
 */
import { compareBounds, INTEGER_WIDTHS, type ValueConstraint } from '../common/index.js';
import type { TypeRef } from './shapes.js';

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/**
 * JSON Schema patterns are unanchored (ECMA-262 search); `@constraint`
 * matches the whole string, so an unanchored pattern is wrapped to search.
 * A pattern JavaScript cannot compile with the `u` flag is left out.
 */
function wholeStringPattern(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return undefined;
  const anchored = pattern.startsWith('^') && pattern.endsWith('$') && !pattern.endsWith('\\$');
  const whole = anchored ? pattern : `[\\s\\S]*(?:${pattern})[\\s\\S]*`;
  try {
    new RegExp(`^(?:${whole})$`, 'u');
    return whole;
  } catch {
    return undefined;
  }
}

function compact(
  constraint: Record<string, number | string | undefined>,
): ValueConstraint | undefined {
  const kept = Object.fromEntries(
    Object.entries(constraint).filter(([, value]) => value !== undefined),
  );
  return Object.keys(kept).length === 0 ? undefined : (kept as ValueConstraint);
}

/**
 * Ranges. OpenAPI 3.0 and Swagger 2 write an exclusive bound as a boolean
 * beside minimum/maximum; OpenAPI 3.1 (JSON Schema 2020-12) as a number of
 * its own. Both become exclusiveMin/exclusiveMax.
 */
function numberLimits(node: Record<string, unknown>): Record<string, number | undefined> {
  const minimum = finite(node.minimum);
  const maximum = finite(node.maximum);
  const lowOpen = node.exclusiveMinimum === true;
  const highOpen = node.exclusiveMaximum === true;
  return {
    min: lowOpen ? undefined : minimum,
    max: highOpen ? undefined : maximum,
    exclusiveMin: lowOpen ? minimum : finite(node.exclusiveMinimum),
    exclusiveMax: highOpen ? maximum : finite(node.exclusiveMaximum),
  };
}

/** What each integer format of a BigInt can hold (OpenAPI Format Registry): the formats are the widths' names. */
const FORMAT_RANGES: Readonly<Record<string, readonly [string, string]>> = INTEGER_WIDTHS;

/** The tighter of a contract's bound and its format's: the larger minimum (`sign` 1) or smaller maximum (-1). */
const tighter = (a: number | string | undefined, b: string, sign: 1 | -1): number | string =>
  a === undefined || compareBounds(a, b) * sign < 0 ? b : a;

function scalarLimits(
  node: Record<string, unknown>,
  ref: TypeRef,
): Record<string, number | string | undefined> {
  if (ref.shape.kind !== 'scalar') return {};
  const { name } = ref.shape;
  if (name === 'Int' || name === 'Float' || name === 'Decimal') return numberLimits(node);
  if (name === 'BigInt') {
    const limits: Record<string, number | string | undefined> = numberLimits(node);
    const range =
      typeof node.format === 'string' ? FORMAT_RANGES[node.format.toLowerCase()] : undefined;
    if (range !== undefined) {
      limits.min = tighter(limits.min, range[0], 1);
      limits.max = tighter(limits.max, range[1], -1);
    }
    return limits;
  }
  if (name === 'String' || name === 'ID')
    return {
      minLength: count(node.minLength),
      maxLength: count(node.maxLength),
      pattern: wholeStringPattern(node.pattern),
    };
  return {};
}

/** The `@constraint` of an input value of schema `node`, converted to `ref`; undefined when the contract states none that fit. */
export function contractConstraint(
  node: Record<string, unknown>,
  ref: TypeRef,
): ValueConstraint | undefined {
  if (ref.shape.kind === 'list') {
    const items = ref.shape.of;
    return compact({
      minItems: count(node.minItems),
      maxItems: count(node.maxItems),
      ...(items.shape.kind === 'scalar' ? (items.constraint ?? {}) : {}),
    });
  }
  // The schema's own limits over those of what it wraps (a single allOf, a $ref).
  return compact({ ...(ref.constraint ?? {}), ...(compact(scalarLimits(node, ref)) ?? {}) });
}
