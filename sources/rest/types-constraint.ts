/**
 * A JSON Schema's limits (minimum, maximum, minLength, maxLength, pattern,
 * minItems, maxItems) as the `@constraint` of an input value, so the gateway
 * refuses what the backend would refuse before calling it. Only limits that
 * fit the GraphQL type are kept: ranges on Int and Float, lengths and
 * patterns on String and ID, item counts on lists (a list also carries its
 * scalar items' limits, which the gateway applies to each item).
 */
import type { ValueConstraint } from '../common/index.js';
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

function scalarLimits(
  node: Record<string, unknown>,
  ref: TypeRef,
): Record<string, number | string | undefined> {
  if (ref.shape.kind !== 'scalar') return {};
  const { name } = ref.shape;
  if (name === 'Int' || name === 'Float') return numberLimits(node);
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
