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
 * fit the GraphQL type are kept: ranges on the numbers (Int, Float, BigInt,
 * Decimal), lengths on String and ID, patterns on every string-valued
 * scalar (String, ID, BigInt, Decimal). BigInt and Decimal are strings, to
 * keep every digit, and so are their bounds, which the gateway compares
 * exactly: the facets', each built-in integer type's own (xs:long is
 * ±2^63, xs:unsignedInt 0..4294967295, xs:positiveInteger from 1) and a
 * BigInt's totalDigits; totalDigits and fractionDigits of a Decimal become
 * a pattern.
 */
import {
  canonicalDecimal,
  compareDecimals,
  INTEGER_WIDTHS,
  MAX_NUMBER_DIGITS,
  numberToDecimal,
  type SourceWarning,
  type ValueConstraint,
} from '../common/index.js';
import type { ScalarName } from './xsd-builtins.js';
import { combinePatterns, translateXsdPattern } from './xsd-pattern.js';
import { resolveQName, XSD_NS, type QName, type XmlElement } from './xml.js';

/** What a chain of restrictions states, before it is fitted to a GraphQL type. */
export interface Facets {
  /** Bounds in canonical decimal digits (canonicalDecimal), exact past 2^53. */
  min?: string;
  max?: string;
  exclusiveMin?: string;
  exclusiveMax?: string;
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
  /** XSD patterns per restriction step (ORed within a step, ANDed across). */
  readonly patterns: string[][];
  /** Derived from xs:list: its lengths count items, not characters, and are not kept. */
  list: boolean;
}

/** The value space of each bounded built-in integer type (XSD 1.1 Part 2 §3.4.13 to §3.4.26), in digits. */
const BUILTIN_RANGES: Readonly<Record<string, readonly [string | undefined, string | undefined]>> =
  {
    // xs:int is GraphQL Int exactly; its range needs no constraint.
    long: INTEGER_WIDTHS.int64,
    short: ['-32768', '32767'],
    byte: ['-128', '127'],
    unsignedLong: INTEGER_WIDTHS.uint64,
    unsignedInt: INTEGER_WIDTHS.uint32,
    unsignedShort: ['0', '65535'],
    unsignedByte: ['0', '255'],
    nonNegativeInteger: ['0', undefined],
    positiveInteger: ['1', undefined],
    nonPositiveInteger: [undefined, '0'],
    negativeInteger: [undefined, '-1'],
  };

const tightest = <T extends number | string>(
  a: T | undefined,
  b: T | undefined,
  pick: (x: T, y: T) => T,
): T | undefined => (a === undefined ? b : b === undefined ? a : pick(a, b));

const larger = (x: string, y: string): string => (compareDecimals(x, y) >= 0 ? x : y);
const smaller = (x: string, y: string): string => (compareDecimals(x, y) <= 0 ? x : y);

/** A facet's bound as canonical digits; a double's lexical form ("1E3") is written out. */
const bound = (raw: string | undefined): string | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const exact = canonicalDecimal(text);
  if (exact !== undefined) return exact;
  const value = Number(text);
  return Number.isFinite(value) ? numberToDecimal(value) : undefined;
};
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

export const emptyFacets = (): Facets => ({ patterns: [], list: false });

/** Adds what a built-in type itself implies (xs:unsignedShort is 0..65535). */
export function addBuiltinFacets(facets: Facets, local: string): void {
  const range = BUILTIN_RANGES[local];
  if (range) {
    facets.min = tightest(facets.min, range[0], larger);
    facets.max = tightest(facets.max, range[1], smaller);
  }
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
  facets.min = tightest(facets.min, bound(value('minInclusive')), larger);
  facets.max = tightest(facets.max, bound(value('maxInclusive')), smaller);
  facets.exclusiveMin = tightest(facets.exclusiveMin, bound(value('minExclusive')), larger);
  facets.exclusiveMax = tightest(facets.exclusiveMax, bound(value('maxExclusive')), smaller);
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
  const steps: string[][] = [];
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

/**
 * totalDigits n of a decimal as a pattern over the scalar's form: its value
 * is i × 10^-k with |i| < 10^n and k ≤ n (XSD 1.1 Part 2 §4.3.11), that is
 * at most n digits from the first significant integer digit (or the point)
 * to the last non-zero fraction digit. One alternative per count of integer
 * digits, since a regular expression cannot add two counts.
 */
function totalDigitsPattern(total: number): string {
  const n = Math.min(total, MAX_NUMBER_DIGITS);
  const fraction = (most: number): string => `(?:\\.[0-9]{0,${most}}0*)?`;
  const alternatives = [`0+${fraction(n)}`];
  for (let k = 1; k <= n; k++) alternatives.push(`0*[1-9][0-9]{${k - 1}}${fraction(n - k)}`);
  return `-?(?:${alternatives.join('|')})`;
}

/** `facets` fitted to GraphQL scalar `scalar`; undefined when none fits. */
export function facetConstraint(
  facets: Facets,
  scalar: ScalarName,
  context: string,
  warn: (warning: SourceWarning) => void,
): ValueConstraint | undefined {
  const out: Record<string, number | string | undefined> = {};
  const num = (text: string | undefined): number | undefined =>
    text === undefined ? undefined : Number(text);
  if (scalar === 'Int' || scalar === 'Float') {
    out.min = num(facets.min);
    out.max = num(facets.max);
    out.exclusiveMin = num(facets.exclusiveMin);
    out.exclusiveMax = num(facets.exclusiveMax);
    if (scalar === 'Int' && facets.totalDigits !== undefined && facets.totalDigits < 16) {
      // totalDigits n: at most n digits, so |value| < 10^n.
      const most = 10 ** facets.totalDigits - 1;
      out.min = tightest(out.min as number | undefined, -most, Math.max);
      out.max = tightest(out.max as number | undefined, most, Math.min);
    }
  } else if (scalar === 'String' || scalar === 'ID') {
    if (!facets.list) {
      out.minLength = facets.minLength;
      out.maxLength = facets.maxLength;
    }
    out.pattern = patternOf(facets, context, warn);
  } else if (scalar === 'BigInt' || scalar === 'Decimal') {
    // Digits, not numbers: the gateway compares them exactly (xs:long's max is not a double).
    out.min = facets.min;
    out.max = facets.max;
    out.exclusiveMin = facets.exclusiveMin;
    out.exclusiveMax = facets.exclusiveMax;
    const digits: string[] = [];
    if (scalar === 'BigInt' && facets.totalDigits !== undefined) {
      // totalDigits n of an integer: |value| < 10^n, a range the caller can read.
      const most = '9'.repeat(Math.max(facets.totalDigits, 1));
      out.min = tightest(out.min as string | undefined, `-${most}`, larger);
      out.max = tightest(out.max as string | undefined, most, smaller);
    }
    if (scalar === 'Decimal' && facets.totalDigits !== undefined)
      digits.push(totalDigitsPattern(facets.totalDigits));
    if (scalar === 'Decimal' && facets.fractionDigits !== undefined)
      // The value space counts: 1.50 has one fraction digit.
      digits.push(`-?[0-9]+(?:\\.[0-9]{0,${facets.fractionDigits}}0*)?`);
    const stated = patternOf(facets, context, warn);
    out.pattern = combinePatterns(
      [...digits, ...(stated === undefined ? [] : [stated])].map((p) => [p]),
    );
  }
  const kept = Object.entries(out).filter(([, v]) => v !== undefined);
  return kept.length === 0 ? undefined : (Object.fromEntries(kept) as ValueConstraint);
}
