/**
 * The custom scalars every source may use. A source's `typeDefs` declares the
 * ones it uses (`scalar DateTime`); the gateway supplies these implementations
 * by name. Values stay strings where a JS number would lose precision.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { MAX_NUMBER_DIGITS, numberToDecimal } from './decimal.js';

function invalid(scalar: string, value: unknown): GraphQLError {
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
  return new GraphQLError(`${scalar} cannot represent ${shown}.`);
}

const RFC3339_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** What a caller may send as a Decimal: digits with an optional point, no exponent (XSD and most backends refuse "1e5"). */
const DECIMAL_INPUT = /^-?\d+(\.\d+)?$/;
/** The most characters an input number may have: its digits, a sign and a point. */
const MAX_INPUT_LENGTH = MAX_NUMBER_DIGITS + 2;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * What is wrong with a caller's BigInt or Decimal text, or undefined.
 * Length first, so a megabyte of digits costs no regular expression.
 */
function numberProblem(scalar: 'BigInt' | 'Decimal', text: string): string | undefined {
  const tooLong = `${scalar} has at most ${MAX_NUMBER_DIGITS} digits`;
  if (text.length > MAX_INPUT_LENGTH)
    return `${tooLong}, and this value has ${text.length} characters`;
  if (scalar === 'BigInt' && !INTEGER.test(text))
    return 'BigInt must be a whole number in digits, optionally signed with "-" (e.g. "-42")';
  if (scalar === 'Decimal' && !DECIMAL_INPUT.test(text))
    return 'Decimal must be digits with an optional point and "-" sign, no exponent (e.g. "-12.50")';
  const digits = text.length - (text.startsWith('-') ? 1 : 0) - (text.includes('.') ? 1 : 0);
  return digits > MAX_NUMBER_DIGITS ? `${tooLong}, and this value has ${digits}` : undefined;
}

/** A variable's BigInt or Decimal text, or a GraphQLError (graphql-js names the variable). */
function inputValue(scalar: 'BigInt' | 'Decimal', text: string): string {
  const problem = numberProblem(scalar, text);
  if (problem === undefined) return text;
  throw new GraphQLError(`${scalar} cannot represent "${text.slice(0, 40)}": ${problem}.`);
}

/**
 * A literal's BigInt or Decimal text. A plain error, not a GraphQLError:
 * graphql-js then reports it at the literal's location, with the value.
 */
function inputLiteral(scalar: 'BigInt' | 'Decimal', text: string): string {
  const problem = numberProblem(scalar, text);
  if (problem === undefined) return text;
  throw new TypeError(`${problem}.`);
}

/** Protobuf's JSON form of Duration ("1.5s") and ISO 8601 / XSD durations ("P1DT2H"). */
const DURATION =
  /^(-?\d+(\.\d+)?s|-?P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?)$/;

/** A scalar whose wire and literal form is a string matching `pattern`. */
function stringScalar(
  name: string,
  description: string,
  pattern: RegExp,
  fromValue?: (value: unknown) => string | undefined,
): GraphQLScalarType {
  const coerce = (value: unknown): string => {
    const converted = fromValue?.(value);
    if (converted !== undefined) return converted;
    if (typeof value === 'string' && pattern.test(value)) return value;
    throw invalid(name, value);
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: coerce,
    parseValue: coerce,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) throw invalid(name, ast.kind);
      return coerce(ast.value);
    },
  });
}

export const DateTimeScalar = stringScalar(
  'DateTime',
  'A date and time with offset, RFC 3339 (e.g. "2026-11-24T09:30:00Z").',
  RFC3339_DATE_TIME,
  (value) =>
    value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined,
);

export const DateScalar = stringScalar(
  'Date',
  'A calendar date, ISO 8601 (e.g. "2026-11-24").',
  ISO_DATE,
);

export const DurationScalar = stringScalar(
  'Duration',
  'A length of time: seconds with a unit ("1.5s") or ISO 8601 ("PT1H30M").',
  DURATION,
);

/** Integers past 2^53 (int64, uint64, xs:long) travel as strings so no digit is lost. */
export const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description:
    'A whole number of any size, serialised as a string of digits (e.g. "9007199254740993").',
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'string' && INTEGER.test(value)) return value;
    // protobufjs' Long has toString(); accept anything integral that prints digits.
    if (typeof value === 'object' && value !== null) {
      const printed = String(value);
      if (INTEGER.test(printed)) return printed;
    }
    throw invalid('BigInt', value);
  },
  parseValue(value) {
    if (typeof value === 'string') return inputValue('BigInt', value);
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw invalid('BigInt', value);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT)
      return inputLiteral('BigInt', ast.value);
    throw invalid('BigInt', ast.kind);
  },
});

/** Exact decimals (money, xs:decimal) travel as strings, never as binary floats. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, serialised as a string (e.g. "19.99").',
  serialize(value) {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    throw invalid('Decimal', value);
  },
  parseValue(value) {
    if (typeof value === 'string') return inputValue('Decimal', value);
    // A JSON number: its shortest digits, written out (1e21 is "1000000000000000000000").
    if (typeof value === 'number' && Number.isFinite(value))
      return inputValue('Decimal', numberToDecimal(value));
    throw invalid('Decimal', value);
  },
  parseLiteral(ast) {
    // FloatValue and IntValue keep the literal's own digits, so no precision is lost here.
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT)
      return inputLiteral('Decimal', ast.value);
    throw invalid('Decimal', ast.kind);
  },
});

export const Base64Scalar = stringScalar(
  'Base64',
  'Binary data as a base64 string (RFC 4648, standard or URL-safe alphabet).',
  BASE64,
  (value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : undefined),
);

function literalToJson(
  ast: ValueNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.ENUM:
      return ast.value;
    case Kind.LIST:
      return ast.values.map((item) => literalToJson(item, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

/** Free-form data: `additionalProperties`, XSD any elements, `google.protobuf.Struct`. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, passed through as it is.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});

/** Every custom scalar, by name, for the gateway to attach to a schema. */
export const scalars: ReadonlyMap<string, GraphQLScalarType> = new Map(
  [
    DateTimeScalar,
    DateScalar,
    DurationScalar,
    BigIntScalar,
    DecimalScalar,
    Base64Scalar,
    JSONScalar,
  ].map((scalar) => [scalar.name, scalar]),
);

/**
 * Type names a contract cannot take: the root types, GraphQL's own scalars
 * and every custom scalar a subgraph may declare (one list for all sources).
 */
export const RESERVED_TYPE_NAMES: readonly string[] = [
  'Query',
  'Mutation',
  'Subscription',
  'String',
  'Int',
  'Float',
  'Boolean',
  'ID',
  ...scalars.keys(),
];

export type CustomScalarName =
  'DateTime' | 'Date' | 'Duration' | 'BigInt' | 'Decimal' | 'Base64' | 'JSON';
