/**
 * XSD facets → `@constraint` (issue 14): the limits a simpleType states
 * (minInclusive/maxInclusive/minExclusive/maxExclusive, length/minLength/
 * maxLength, pattern, totalDigits, fractionDigits), gathered along its whole
 * chain of restrictions, so the gateway refuses what the backend would
 * refuse before calling it.
 *
 * Each step of a chain must hold (XSD derivation only narrows), so bounds
 * combine to the tightest and patterns of different steps are ANDed; the
 * patterns of one step are ORed (XSD 1.0 Part 2 §4.3.4). Only limits that
 * fit the GraphQL type are kept: ranges on Int and Float (where the value
 * is a number), lengths on String and ID, patterns on every string-valued
 * scalar (String, ID, BigInt, Decimal). Ranges on BigInt and Decimal
 * (strings, to keep every digit) are left to the backend, except the sign
 * that the unsigned and positive/negative integer types imply.
 */
import type { SourceWarning, ValueConstraint } from '../common/index.js';
import type { ScalarName } from './xsd-builtins.js';
import { combinePatterns, translateXsdPattern } from './xsd-pattern.js';
import { resolveQName, XSD_NS, type QName, type XmlElement } from './xml.js';

/** What a chain of restrictions states, before it is fitted to a GraphQL type. */
export interface Facets {
  min?: number;
  max?: number;
  exclusiveMin?: number;
  exclusiveMax?: number;
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
  /** XSD patterns per restriction step (ORed within a step, ANDed across). */
  readonly patterns: string[][];
  /** Built-in patterns already in JavaScript (the sign of xs:unsignedLong…), ANDed too. */
  readonly implied: string[];
  /** Derived from xs:list: its lengths count items, not characters, and are not kept. */
  list: boolean;
}

/** Ranges the Int-typed built-ins imply beyond GraphQL Int's own 32 bits. */
const BUILTIN_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  unsignedByte: [0, 255],
  short: [-32768, 32767],
  unsignedShort: [0, 65535],
};

/** Signs the BigInt-typed built-ins imply, as JavaScript patterns over the scalar's digits. */
const BUILTIN_SIGNS: Readonly<Record<string, string>> = {
  nonNegativeInteger: '[0-9]+|-0+',
  unsignedLong: '[0-9]+|-0+',
  unsignedInt: '[0-9]+|-0+',
  positiveInteger: '0*[1-9][0-9]*',
  negativeInteger: '-0*[1-9][0-9]*',
  nonPositiveInteger: '-[0-9]+|0+',
};

const tightest = (
  a: number | undefined,
  b: number | undefined,
  pick: (x: number, y: number) => number,
): number | undefined => (a === undefined ? b : b === undefined ? a : pick(a, b));

const finite = (raw: string | undefined): number | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : undefined;
};
const count = (raw: string | undefined): number | undefined => {
  const value = finite(raw);
  return value !== undefined && Number.isInteger(value) && value >= 0 ? value : undefined;
};

const xsd = (element: XmlElement, local: string): XmlElement[] =>
  element.children.filter((child) => child.ns === XSD_NS && child.local === local);

export const emptyFacets = (): Facets => ({ patterns: [], implied: [], list: false });

/** Adds what a built-in type itself implies (xs:unsignedShort is 0..65535). */
export function addBuiltinFacets(facets: Facets, local: string): void {
  const range = BUILTIN_RANGES[local];
  if (range) {
    facets.min = tightest(facets.min, range[0], Math.max);
    facets.max = tightest(facets.max, range[1], Math.min);
  }
  const sign = BUILTIN_SIGNS[local];
  if (sign) facets.implied.push(sign);
}

/**
 * Adds the facets of simpleType `simple` and of every type it restricts.
 * `lookup` finds a named simpleType of the contract; `seen` stops a cycle.
 */
export function addSimpleTypeFacets(
  facets: Facets,
  simple: XmlElement,
  lookup: (name: QName) => XmlElement | undefined,
  seen: Set<XmlElement> = new Set(),
): void {
  if (seen.has(simple)) return;
  seen.add(simple);
  const restriction = xsd(simple, 'restriction')[0];
  if (restriction === undefined) {
    if (xsd(simple, 'list').length > 0) facets.list = true;
    return; // xs:union: each member type has its own limits, none applies to all
  }
  const value = (local: string): string | undefined => xsd(restriction, local)[0]?.attrs.value;
  facets.min = tightest(facets.min, finite(value('minInclusive')), Math.max);
  facets.max = tightest(facets.max, finite(value('maxInclusive')), Math.min);
  facets.exclusiveMin = tightest(facets.exclusiveMin, finite(value('minExclusive')), Math.max);
  facets.exclusiveMax = tightest(facets.exclusiveMax, finite(value('maxExclusive')), Math.min);
  const length = count(value('length'));
  facets.minLength = tightest(
    facets.minLength,
    tightest(count(value('minLength')), length, Math.max),
    Math.max,
  );
  facets.maxLength = tightest(
    facets.maxLength,
    tightest(count(value('maxLength')), length, Math.min),
    Math.min,
  );
  facets.totalDigits = tightest(facets.totalDigits, count(value('totalDigits')), Math.min);
  facets.fractionDigits = tightest(facets.fractionDigits, count(value('fractionDigits')), Math.min);
  const step = xsd(restriction, 'pattern')
    .map((p) => p.attrs.value)
    .filter((p): p is string => p !== undefined);
  if (step.length > 0) facets.patterns.push(step);
  if (restriction.attrs.base) {
    const base = resolveQName(restriction, restriction.attrs.base);
    if (base.ns === XSD_NS) addBuiltinFacets(facets, base.local);
    else {
      const declared = lookup(base);
      if (declared) addSimpleTypeFacets(facets, declared, lookup, seen);
    }
  } else {
    const inline = xsd(restriction, 'simpleType')[0];
    if (inline) addSimpleTypeFacets(facets, inline, lookup, seen);
  }
}

/** The patterns of `facets` as one JavaScript pattern; an untranslatable step is left out with a warning. */
function patternOf(
  facets: Facets,
  context: string,
  warn: (warning: SourceWarning) => void,
): string | undefined {
  const steps: string[][] = facets.implied.map((p) => [p]);
  for (const step of facets.patterns) {
    const translated: string[] = [];
    for (const raw of step) {
      const result = translateXsdPattern(raw);
      if (!result.ok) {
        warn({
          path: context,
          message: `Pattern "${raw}" is not checked at the edge: ${result.reason}; the backend still validates it.`,
        });
        break;
      }
      translated.push(result.pattern);
    }
    // One alternative lost makes the whole step unknown; the other steps still hold.
    if (translated.length === step.length) steps.push(translated);
  }
  return combinePatterns(steps);
}

/** `facets` fitted to GraphQL scalar `scalar`; undefined when none fits. */
export function facetConstraint(
  facets: Facets,
  scalar: ScalarName,
  context: string,
  warn: (warning: SourceWarning) => void,
): ValueConstraint | undefined {
  const out: Record<string, number | string | undefined> = {};
  if (scalar === 'Int' || scalar === 'Float') {
    out.min = facets.min;
    out.max = facets.max;
    out.exclusiveMin = facets.exclusiveMin;
    out.exclusiveMax = facets.exclusiveMax;
    if (scalar === 'Int' && facets.totalDigits !== undefined && facets.totalDigits < 16) {
      // totalDigits n: at most n digits, so |value| < 10^n.
      const bound = 10 ** facets.totalDigits - 1;
      out.min = tightest(out.min as number | undefined, -bound, Math.max);
      out.max = tightest(out.max as number | undefined, bound, Math.min);
    }
  } else if (scalar === 'String' || scalar === 'ID') {
    if (!facets.list) {
      out.minLength = facets.minLength;
      out.maxLength = facets.maxLength;
    }
    out.pattern = patternOf(facets, context, warn);
  } else if (scalar === 'BigInt' || scalar === 'Decimal') {
    const digits: string[] = [];
    if (scalar === 'BigInt' && facets.totalDigits !== undefined)
      digits.push(`-?0*[0-9]{1,${facets.totalDigits}}`);
    if (scalar === 'Decimal' && facets.fractionDigits !== undefined)
      // The value space counts: 1.50 has one fraction digit; an exponent is not checked here.
      digits.push(`-?[0-9]+(?:\\.[0-9]{0,${facets.fractionDigits}}0*)?`);
    const stated = patternOf(facets, context, warn);
    out.pattern = combinePatterns(
      [...digits, ...(stated === undefined ? [] : [stated])].map((p) => [p]),
    );
  }
  const kept = Object.entries(out).filter(([, v]) => v !== undefined);
  return kept.length === 0 ? undefined : (Object.fromEntries(kept) as ValueConstraint);
}
