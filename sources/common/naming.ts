/**
 * Turning contract names (operationIds, paths, XSD names, proto names) into
 * GraphQL names. Every function here is pure and deterministic, so a contract
 * yields the same subgraph on every build.
 */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** Names GraphQL reserves for introspection. */
const RESERVED_PREFIX = /^__/;
/** Enum values GraphQL forbids (spec §3.9). */
const FORBIDDEN_ENUM_VALUES = new Set(['TRUE', 'FALSE', 'NULL']);

export function isValidGraphQLName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !RESERVED_PREFIX.test(name);
}

/**
 * Splits a name into words at separators, case changes and digit runs:
 * `get-productByID_v2` → ["get", "product", "By", "ID", "v2"].
 */
export function splitWords(raw: string): string[] {
  return (
    raw
      // lowerUpper and UPPERUpperLower boundaries: "productBy" / "IDName"
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter((word) => word.length > 0)
  );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Prefixes a name that would start with a digit, or is empty, so it is valid GraphQL. */
function ensureLeadingLetter(name: string, fallback: string): string {
  if (name.length === 0) return fallback;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `order_line-item` → `OrderLineItem`; used for type names. */
export function toTypeName(raw: string): string {
  const words = splitWords(raw);
  const joined = words.map((word) => capitalize(word)).join('');
  return ensureLeadingLetter(joined, 'Type');
}

/** `Get-Product_ById` → `getProductById`; used for field and argument names. */
export function toFieldName(raw: string): string {
  const words = splitWords(raw);
  const [first = '', ...rest] = words;
  const head =
    /^[A-Z0-9]+$/.test(first) && first.length > 1
      ? first.toLowerCase()
      : first.charAt(0).toLowerCase() + first.slice(1);
  const joined = head + rest.map((word) => capitalize(word)).join('');
  return ensureLeadingLetter(joined, 'field');
}

/**
 * `in-stock` → `IN_STOCK`, `1.5` → `_1_5`, `` → `EMPTY`, `true` → `TRUE_`.
 * Values that would collide after mapping are told apart by `createNameAllocator`.
 */
export function toEnumValue(raw: string): string {
  const words = splitWords(raw).map((word) => word.toUpperCase());
  let name = words.join('_');
  if (name.length === 0) {
    name = raw.length === 0 ? 'EMPTY' : symbolName(raw);
  }
  name = ensureLeadingLetter(name, 'EMPTY');
  return FORBIDDEN_ENUM_VALUES.has(name) ? `${name}_` : name;
}

const SYMBOL_WORDS: Readonly<Record<string, string>> = {
  '-': 'MINUS',
  '+': 'PLUS',
  '*': 'STAR',
  '/': 'SLASH',
  '.': 'DOT',
  '<': 'LT',
  '>': 'GT',
  '=': 'EQ',
  '!': 'NOT',
  '&': 'AND',
  '|': 'OR',
  '%': 'PERCENT',
  '#': 'HASH',
  '@': 'AT',
  ' ': 'SPACE',
};

/** A value made only of symbols (`<=`, `-`) still needs a readable, unique name. */
function symbolName(raw: string): string {
  return [...raw]
    .map((char) => SYMBOL_WORDS[char] ?? `U${char.codePointAt(0)?.toString(16).toUpperCase()}`)
    .join('_');
}

/**
 * Hands out unique names in one namespace. The first claim of a name gets it
 * as is; later claims get `Name2`, `Name3`... in claim order, so the result is
 * stable as long as the contract lists things in the same order.
 */
export interface NameAllocator {
  /** Returns `base` or the first free `base2`, `base3`... and reserves it. */
  claim(base: string): string;
  has(name: string): boolean;
}

export function createNameAllocator(reserved: Iterable<string> = []): NameAllocator {
  const taken = new Set(reserved);
  return {
    claim(base) {
      let candidate = base;
      for (let n = 2; taken.has(candidate); n += 1) candidate = `${base}${n}`;
      taken.add(candidate);
      return candidate;
    },
    has: (name) => taken.has(name),
  };
}
