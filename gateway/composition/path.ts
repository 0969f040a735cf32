/**
 * Dot paths into a source value, shared by `@from(path)`, `@compute(expr)`
 * and the composer's checks (docs/directives.md, "@from").
 *
 * A path is a list of field names. `"$"` is the empty path: the value itself.
 * Reading follows the GraphQL shape of source values, so a list met along the
 * way is mapped: `"lines.sku"` on an order is the list of its lines' SKUs.
 */

/**
 * A binding's path or expression text is malformed. `column` is 1-based into
 * the text, so the composer can point at the exact character in the schema
 * file. It lives here, beside the simpler parser, and `expression.ts`
 * re-exports it, so the two modules need no import cycle.
 */
export class ExpressionError extends Error {
  /** 1-based column in the path or expression text where the problem starts. */
  readonly column: number;

  constructor(message: string, column: number) {
    super(message);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

/** Longest path text accepted, in characters: paths come from schema files, not callers. */
export const MAX_PATH_LENGTH_CHARS = 1_000;

/** A GraphQL name: what every segment of a path must be. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses `"a.b.c"` into `["a", "b", "c"]`, and `"$"` into `[]`.
 *
 * Throws ExpressionError (with a 1-based column) on anything else: empty text,
 * empty segments, spaces, or characters a GraphQL name cannot hold.
 */
export function parsePath(text: string): readonly string[] {
  if (text.length > MAX_PATH_LENGTH_CHARS) {
    throw new ExpressionError(
      `a path may be at most ${MAX_PATH_LENGTH_CHARS} characters long, found ${text.length}`,
      MAX_PATH_LENGTH_CHARS + 1,
    );
  }
  if (text === '$') return Object.freeze([]);
  if (text === '')
    throw new ExpressionError(
      'expected a path (a field name, or "$" for the value itself), found nothing',
      1,
    );
  if (text.startsWith('$')) {
    throw new ExpressionError(
      `a path is read from the source value directly: write "${(text.includes('.') ? text.replace(/^\$[^.]*\./, '') : text.slice(1)) || '$'}" instead of "${text}"`,
      1,
    );
  }
  const segments = text.split('.');
  let column = 1;
  for (const segment of segments) {
    if (!NAME.test(segment)) {
      const bad = segment === '' ? 'nothing' : describeBadSegment(segment);
      throw new ExpressionError(
        `expected a field name at column ${column + badOffset(segment)}, found ${bad}`,
        column + badOffset(segment),
      );
    }
    column += segment.length + 1;
  }
  return Object.freeze(segments);
}

/** Where in a bad segment the problem starts (0 when it is empty or starts wrong). */
function badOffset(segment: string): number {
  if (segment === '' || !/^[A-Za-z_]/.test(segment)) return 0;
  const match = /[^A-Za-z0-9_]/.exec(segment);
  return match ? match.index : 0;
}

function describeBadSegment(segment: string): string {
  const offset = badOffset(segment);
  const char = segment.charAt(offset);
  return char === ' ' ? 'a space' : `'${char}'`;
}

/**
 * Reads `path` in `value`.
 *
 * - `[]` is the value itself.
 * - null or undefined anywhere along the way reads as null (never throws).
 * - a list met before the last segment is mapped, and the results are
 *   flattened one level per list, so `"orders.lines.sku"` on a customer is one
 *   flat list of SKUs; a list at the end of the path is returned as it is.
 *   Elements that read as null stay in the list as null.
 * - only own properties are read (a field named `constructor` or `__proto__`
 *   never reaches the prototype), and reading a field of a string, number or
 *   boolean gives null.
 */
export function readPath(value: unknown, path: readonly string[]): unknown {
  const out: unknown[] = [];
  return walk(value, path, 0, out) ? out : out[0];
}

/** Appends what `path` from `index` reads in `current` to `out`; true when a list was mapped. */
function walk(value: unknown, path: readonly string[], index: number, out: unknown[]): boolean {
  let current = value;
  for (let i = index; i < path.length; i += 1) {
    if (current === null || current === undefined) break;
    // A source put an Error in place of a value it could not vouch for (a wrong type): it is the value read.
    if (current instanceof Error) break;
    if (Array.isArray(current)) {
      for (const element of current as readonly unknown[]) walk(element, path, i, out);
      return true;
    }
    const segment = path[i] as string;
    if (typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      current = null;
      break;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  out.push(current ?? null);
  return false;
}
