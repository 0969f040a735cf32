/**
 * The functions of the @compute language (docs/directives.md keeps the same
 * list; a test compares them): aggregates, coalesce, minorUnits, date, dateTime, concat.
 */
import {
  arithmetic,
  compareNumeric,
  describeValue,
  ExpressionEvaluationError,
  INTEGER_TEXT,
  toNumeric,
  type Numeric,
} from './expression-values.js';

// ---------------------------------------------------------------------------
// Functions

export type Compiled = (value: unknown) => unknown;

export type FunctionName =
  'sum' | 'min' | 'max' | 'count' | 'coalesce' | 'minorUnits' | 'date' | 'dateTime' | 'concat';

export interface FunctionSpec {
  readonly name: FunctionName;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** How the arguments read in messages. */
  readonly signature: string;
  /** Arguments arrive unevaluated so coalesce can stop at the first non-null one. */
  readonly run: (args: readonly Compiled[], value: unknown, column: number) => unknown;
}

/**
 * The items an aggregate works on, or null when the data is not there: a
 * missing list (null), or a list with a missing item, has no total, and an
 * invented 0 would read as real data (issue 14: a stock of 0 for a product
 * the erp's answer left out). A source that means "none" answers an empty
 * list (the gRPC source decodes proto3's omitted lists as []). A single value
 * counts as a list of one; lists inside the list are flattened
 * (`count(orders.lines)` counts lines, not orders).
 */
function aggregateItems(value: unknown): readonly unknown[] | null {
  if (value === null || value === undefined) return null;
  const items: unknown[] = [];
  // An explicit stack, not recursion: backend data may nest lists deeply.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || item === undefined) return null;
    if (Array.isArray(item)) for (let i = item.length - 1; i >= 0; i -= 1) stack.push(item[i]);
    else items.push(item);
  }
  return items;
}

function extreme(name: 'min' | 'max', sign: 1 | -1): FunctionSpec {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    signature: 'list',
    run: ([list], value, column) => {
      let best: Numeric | null = null;
      const items = aggregateItems((list as Compiled)(value));
      if (items === null) return null;
      for (const item of items) {
        const number = toNumeric(item, name, column) as Numeric;
        if (best === null || sign * compareNumeric(number, best) > 0) best = number;
      }
      return best;
    },
  };
}

const FUNCTION_LIST: readonly FunctionSpec[] = [
  {
    name: 'sum',
    minArgs: 1,
    maxArgs: 1,
    signature: 'list',
    run: ([list], value, column) => {
      let total: Numeric = 0;
      const items = aggregateItems((list as Compiled)(value));
      if (items === null) return null;
      for (const item of items) {
        total = arithmetic('+', total, toNumeric(item, 'sum', column) as Numeric, column);
      }
      return total;
    },
  },
  extreme('min', -1),
  extreme('max', 1),
  {
    name: 'count',
    minArgs: 1,
    maxArgs: 1,
    signature: 'list',
    run: ([list], value) => aggregateItems((list as Compiled)(value))?.length ?? null,
  },
  {
    name: 'coalesce',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    signature: 'a, b, ...',
    run: (args, value) => {
      for (const arg of args) {
        const result = arg(value);
        if (result !== null && result !== undefined) return result;
      }
      return null;
    },
  },
  {
    name: 'minorUnits',
    minArgs: 2,
    maxArgs: 2,
    signature: 'amount, currency',
    run: ([amount, currency], value, column) =>
      minorUnits((amount as Compiled)(value), (currency as Compiled)(value), column),
  },
  {
    name: 'date',
    minArgs: 1,
    maxArgs: 1,
    signature: 'value',
    run: ([arg], value, column) => toDate((arg as Compiled)(value), column),
  },
  {
    name: 'dateTime',
    minArgs: 1,
    maxArgs: 1,
    signature: 'value',
    run: ([arg], value, column) => toDateTime((arg as Compiled)(value), column),
  },
  {
    name: 'concat',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    signature: 'a, b, ...',
    run: (args, value, column) => {
      let joined = '';
      for (const arg of args) {
        const part = arg(value);
        if (part === null || part === undefined) continue;
        if (typeof part === 'string') joined += part;
        else if (
          typeof part === 'bigint' ||
          typeof part === 'boolean' ||
          (typeof part === 'number' && Number.isFinite(part))
        )
          joined += String(part);
        else
          throw new ExpressionEvaluationError(
            `concat at column ${column} joins strings and numbers, found ${describeValue(part)}`,
            column,
          );
      }
      return joined;
    },
  },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(
  FUNCTION_LIST.map((spec) => [spec.name, spec]),
);

/** The function names, sorted, as error messages list them. */
export const KNOWN_FUNCTIONS = [...FUNCTIONS.keys()].sort().join(', ');

/** Every function name the language knows, sorted. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.freeze([...FUNCTIONS.keys()].sort());

// minorUnits ----------------------------------------------------------------

/**
 * ISO 4217 exponents where the runtime's CLDR data differs. CLDR records the
 * digits people *display* (0 for the Hungarian forint, the rupiah, the Iraqi
 * dinar...), while systems of record count minor units by ISO 4217; trusting
 * CLDR there would make "12345" HUF read as 12,345 forints instead of 123.45.
 * CLF and UYW are ISO codes the runtime does not list at all.
 */
const ISO_EXPONENT_OVERRIDES: ReadonlyMap<string, number> = new Map([
  ['AFN', 2],
  ['ALL', 2],
  ['COP', 2],
  ['HUF', 2],
  ['IDR', 2],
  ['IQD', 3],
  ['IRR', 2],
  ['KPW', 2],
  ['LAK', 2],
  ['LBP', 2],
  ['MGA', 2],
  ['MMK', 2],
  ['PKR', 2],
  ['SLL', 2],
  ['SOS', 2],
  ['SYP', 2],
  ['YER', 2],
  ['CLF', 4],
  ['UYW', 4],
]);

let supportedCurrencies: ReadonlySet<string> | undefined;
/** Exponents looked up so far; pure data from Intl, so sharing it across requests is safe. */
const exponents = new Map<string, number>();

/**
 * The number of minor-unit digits of an ISO 4217 code: the runtime's CLDR
 * data (Intl), corrected where ISO 4217 says otherwise. Throws for codes
 * neither knows.
 */
export function currencyExponent(code: string): number {
  const known = exponents.get(code) ?? ISO_EXPONENT_OVERRIDES.get(code);
  if (known !== undefined) return known;
  supportedCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  if (!/^[A-Z]{3}$/.test(code) || !supportedCurrencies.has(code)) {
    throw new Error(
      /^[A-Za-z]{3}$/.test(code)
        ? `unknown currency "${code}"`
        : 'unknown currency: expected a three-letter ISO 4217 code',
    );
  }
  const exponent =
    new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  exponents.set(code, exponent);
  return exponent;
}

/**
 * `amount` minor units of `currency` as an exact decimal string in major
 * units ("1999", "USD" → "19.99"). Works on digit strings of any length, so
 * no digit is ever lost to a double.
 */
function minorUnits(amount: unknown, currency: unknown, column: number): string | null {
  if (amount === null || amount === undefined || currency === null || currency === undefined)
    return null;
  let digits: string;
  if (typeof amount === 'string' && INTEGER_TEXT.test(amount)) digits = amount;
  else if (typeof amount === 'bigint') digits = amount.toString();
  else if (typeof amount === 'number' && Number.isInteger(amount))
    digits = BigInt(amount).toString();
  else {
    throw new ExpressionEvaluationError(
      `minorUnits at column ${column} needs an integer amount in minor units, found ${typeof amount === 'number' ? 'a number with a fraction' : describeValue(amount)}`,
      column,
    );
  }
  if (typeof currency !== 'string') {
    throw new ExpressionEvaluationError(
      `minorUnits at column ${column} needs a currency code, found ${describeValue(currency)}`,
      column,
    );
  }
  let exponent: number;
  try {
    exponent = currencyExponent(currency);
  } catch (error) {
    throw new ExpressionEvaluationError(
      `minorUnits at column ${column}: ${(error as Error).message}`,
      column,
    );
  }
  const negative = digits.startsWith('-');
  const magnitude = (negative ? digits.slice(1) : digits).replace(/^0+(?=[0-9])/, '');
  const padded = magnitude.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  const isZero = /^0+$/.test(padded);
  return `${negative && !isZero ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

// date and dateTime -----------------------------------------------------------

/** RFC 3339 full-date, optionally followed by a time and offset. */
const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:([Tt ])([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$/;
/** Date's own range: ±100,000,000 days around the epoch, in milliseconds. */
const MAX_EPOCH_MS = 8.64e15;

interface ParsedTime {
  readonly date: string;
  /** The date-time in RFC 3339 form, or undefined when only a date was given. */
  readonly dateTime: string | undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Reads the forms date() and dateTime() accept; undefined when it is none of them. */
function parseTime(value: unknown): ParsedTime | undefined {
  let epochMs: number | undefined;
  if (value instanceof Date) epochMs = value.getTime();
  else if (typeof value === 'number' && Number.isInteger(value)) epochMs = value;
  else if (typeof value === 'bigint')
    epochMs =
      value >= -BigInt(MAX_EPOCH_MS) && value <= BigInt(MAX_EPOCH_MS) ? Number(value) : Number.NaN;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value))
    epochMs = value.length > 17 ? Number.NaN : Number(value);
  else if (typeof value === 'string') {
    const match = RFC3339.exec(value);
    if (match === null) return undefined;
    const [, year, month, day, separator, hour, minute, second, fraction, offset] = match;
    const y = Number(year);
    const m = Number(month);
    const d = Number(day);
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
    const date = `${year}-${month}-${day}`;
    if (separator === undefined) return { date, dateTime: undefined };
    if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) return undefined;
    const zone = offset === 'z' || offset === 'Z' ? 'Z' : (offset as string);
    if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59))
      return undefined;
    return { date, dateTime: `${date}T${hour}:${minute}:${second}${fraction ?? ''}${zone}` };
  }
  if (epochMs === undefined) return undefined;
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_EPOCH_MS) return undefined;
  const iso = new Date(epochMs).toISOString();
  return { date: iso.slice(0, 10), dateTime: iso };
}

/**
 * The calendar date of a date-time. For an RFC 3339 string it is the date as
 * written, in the string's own offset (the day the business recorded); epoch
 * milliseconds and Date objects have no offset and give the UTC date.
 */
function toDate(value: unknown, column: number): string | null {
  if (value === null || value === undefined) return null;
  const parsed = parseTime(value);
  if (parsed === undefined) {
    throw new ExpressionEvaluationError(
      `date at column ${column} needs an RFC 3339 date-time or epoch milliseconds, found ${describeValue(value)} that is neither`,
      column,
    );
  }
  return parsed.date;
}

/**
 * An RFC 3339 date-time. Strings keep their offset (with `T` and `Z` in upper
 * case); epoch milliseconds and Date objects become UTC; a bare date is its
 * midnight in UTC.
 */
function toDateTime(value: unknown, column: number): string | null {
  if (value === null || value === undefined) return null;
  const parsed = parseTime(value);
  if (parsed === undefined) {
    throw new ExpressionEvaluationError(
      `dateTime at column ${column} needs epoch milliseconds, an RFC 3339 date-time or a date, found ${describeValue(value)} that is none of them`,
      column,
    );
  }
  return parsed.dateTime ?? `${parsed.date}T00:00:00.000Z`;
}
