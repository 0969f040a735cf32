/**
 * The `@compute(expr)` language (docs/directives.md, "@compute"): paths in the
 * parent's source value, numbers, strings, `+ - * /`, parentheses and a fixed
 * set of functions.
 *
 * The parser is a small hand-written recursive descent: no well-kept tiny
 * expression library offers exact big integers, 1-based error columns and a
 * closed function list together, and evaluating schema text with `eval` or
 * `new Function` is out of the question. Parsing happens once at start-up;
 * the tree is then compiled into closures, so answering a field never walks
 * the tree again.
 */

import {
  arithmetic,
  MAX_SAFE,
  narrow,
  toNumeric,
  toOutput,
  type Operator,
} from './expression-values.js';
import {
  FUNCTIONS,
  KNOWN_FUNCTIONS,
  type Compiled,
  type FunctionName,
  type FunctionSpec,
} from './expression-functions.js';
import { ExpressionError, readPath } from './path.js';

export { ExpressionError } from './path.js';
export { ExpressionEvaluationError } from './expression-values.js';
export { EXPRESSION_FUNCTIONS, currencyExponent } from './expression-functions.js';

/** Longest expression text accepted, in characters. */
export const MAX_EXPRESSION_LENGTH_CHARS = 1_000;
/** Deepest nesting of parentheses, calls and unary minus accepted. */
export const MAX_EXPRESSION_DEPTH = 32;

/** A parsed, compiled expression. */
export interface Expression {
  /** The text it was parsed from. */
  readonly text: string;
  /** Every source-value path it reads, first use first, without repeats (`[]` is `$`). */
  readonly paths: ReadonlyArray<readonly string[]>;
  /** Every function it calls, first use first, without repeats. */
  readonly functions: readonly string[];
  /**
   * Computes the value for one source value. Integers past 2^53 come back as
   * digit strings, other numbers as numbers. Throws ExpressionEvaluationError
   * when the data does not fit (arithmetic on a list, an unknown currency...).
   */
  evaluate(value: unknown): unknown;
}

// ---------------------------------------------------------------------------
// Tokens

type TokenKind = 'number' | 'string' | 'path' | 'op' | '(' | ')' | ',' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for strings: the decoded value). */
  readonly text: string;
  readonly column: number;
  /** For paths: the segments. */
  readonly segments?: readonly string[];
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    const column = i + 1;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i += 1;
    } else if (char === '+' || char === '-' || char === '*' || char === '/') {
      tokens.push({ kind: 'op', text: char, column });
      i += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, text: char, column });
      i += 1;
    } else if (DIGIT.test(char)) {
      let end = i;
      while (end < text.length && DIGIT.test(text.charAt(end))) end += 1;
      if (text.charAt(end) === '.') {
        end += 1;
        if (!DIGIT.test(text.charAt(end)))
          throw new ExpressionError(
            `expected a digit after '.' at column ${end + 1}, found ${describeChar(text, end)}`,
            end + 1,
          );
        while (end < text.length && DIGIT.test(text.charAt(end))) end += 1;
      }
      if (IDENT_PART.test(text.charAt(end)) || text.charAt(end) === '.') {
        throw new ExpressionError(
          `expected an operator after the number at column ${column}, found ${describeChar(text, end)} at column ${end + 1}`,
          end + 1,
        );
      }
      tokens.push({ kind: 'number', text: text.slice(i, end), column });
      i = end;
    } else if (char === '"') {
      let value = '';
      let end = i + 1;
      for (;;) {
        if (end >= text.length)
          throw new ExpressionError(
            `unterminated string starting at column ${column}: expected a closing '"'`,
            column,
          );
        const c = text.charAt(end);
        if (c === '"') break;
        if (c === '\\') {
          const next = text.charAt(end + 1);
          if (next !== '"' && next !== '\\') {
            throw new ExpressionError(
              `unknown escape at column ${end + 1}: only \\" and \\\\ may follow a backslash, found ${describeChar(text, end + 1)}`,
              end + 1,
            );
          }
          value += next;
          end += 2;
        } else {
          value += c;
          end += 1;
        }
      }
      tokens.push({ kind: 'string', text: value, column });
      i = end + 1;
    } else if (char === '$') {
      const next = text.charAt(i + 1);
      if (next === '.' || (next !== '' && IDENT_PART.test(next))) {
        const written = /^\$[A-Za-z0-9_.]*/.exec(text.slice(i))?.[0] ?? '$';
        const plain =
          (written.includes('.') ? written.replace(/^\$[A-Za-z0-9_]*\./, '') : written.slice(1)) ||
          'a field name';
        throw new ExpressionError(
          `'$' at column ${column} is the source value itself and takes no path: an expression reads paths in it directly (write "${plain}", not "${written}")`,
          column,
        );
      }
      tokens.push({ kind: 'path', text: '$', column, segments: [] });
      i += 1;
    } else if (IDENT_START.test(char)) {
      const segments: string[] = [];
      let end = i;
      for (;;) {
        const start = end;
        if (!IDENT_START.test(text.charAt(end))) {
          throw new ExpressionError(
            `expected a field name after '.' at column ${end + 1}, found ${describeChar(text, end)}`,
            end + 1,
          );
        }
        while (end < text.length && IDENT_PART.test(text.charAt(end))) end += 1;
        segments.push(text.slice(start, end));
        if (text.charAt(end) !== '.') break;
        end += 1;
      }
      tokens.push({ kind: 'path', text: text.slice(i, end), column, segments });
      i = end;
    } else {
      throw new ExpressionError(
        `unexpected character ${describeChar(text, i)} at column ${column}`,
        column,
      );
    }
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

function describeChar(text: string, index: number): string {
  if (index >= text.length) return 'end of expression';
  const char = text.charAt(index);
  if (char === ' ') return 'a space';
  if (char === '"') return `'"'`;
  return `'${char}'`;
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return `string "${token.text.length > 20 ? `${token.text.slice(0, 20)}...` : token.text}"`;
    default:
      return `'${token.text}'`;
  }
}

// ---------------------------------------------------------------------------
// Syntax tree

type Node =
  | { readonly kind: 'number'; readonly value: number | bigint; readonly column: number }
  | { readonly kind: 'string'; readonly value: string; readonly column: number }
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly column: number }
  | { readonly kind: 'negate'; readonly operand: Node; readonly column: number }
  | {
      readonly kind: 'binary';
      readonly op: Operator;
      readonly left: Node;
      readonly right: Node;
      readonly column: number;
    }
  | {
      readonly kind: 'call';
      readonly name: FunctionName;
      readonly args: readonly Node[];
      readonly column: number;
    };

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Node {
    const first = this.peek();
    if (first.kind === 'end')
      throw new ExpressionError('expected a value at column 1, found an empty expression', 1);
    const node = this.expression(0, undefined);
    const rest = this.peek();
    if (rest.kind !== 'end') {
      const hint = rest.kind === ')' ? " (this ')' closes nothing)" : '';
      throw new ExpressionError(
        `expected an operator or the end of the expression at column ${rest.column}, found ${describeToken(rest)}${hint}`,
        rest.column,
      );
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.tokens[this.index] as Token;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  /** additive := multiplicative (('+' | '-') multiplicative)* */
  private expression(depth: number, after: Token | undefined): Node {
    let left = this.term(depth, after);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '+' && token.text !== '-')) return left;
      this.next();
      const right = this.term(depth, token);
      left = { kind: 'binary', op: token.text, left, right, column: token.column };
    }
  }

  /** multiplicative := unary (('*' | '/') unary)* */
  private term(depth: number, after: Token | undefined): Node {
    let left = this.unary(depth, after);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '*' && token.text !== '/')) return left;
      this.next();
      const right = this.unary(depth, token);
      left = { kind: 'binary', op: token.text, left, right, column: token.column };
    }
  }

  /** unary := '-' unary | primary */
  private unary(depth: number, after: Token | undefined): Node {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '-') {
      this.checkDepth(depth + 1, token);
      this.next();
      const operand = this.unary(depth + 1, token);
      // Fold "-5" into a literal so numbers read as written.
      if (operand.kind === 'number')
        return { kind: 'number', value: -operand.value, column: token.column };
      return { kind: 'negate', operand, column: token.column };
    }
    return this.primary(depth, after);
  }

  /** primary := number | string | path | '$' | name '(' args ')' | '(' expression ')' */
  private primary(depth: number, after: Token | undefined): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: parseNumberLiteral(token.text), column: token.column };
      case 'string':
        return { kind: 'string', value: token.text, column: token.column };
      case 'path':
        if (this.peek().kind === '(') return this.call(token, depth);
        return { kind: 'path', segments: token.segments ?? [], column: token.column };
      case '(': {
        this.checkDepth(depth + 1, token);
        const inner = this.expression(depth + 1, token);
        this.expect(')', token);
        return inner;
      }
      default: {
        const where = after === undefined ? '' : ` after '${after.text}'`;
        throw new ExpressionError(
          `expected a value${where} at column ${token.column}, found ${describeToken(token)}`,
          token.column,
        );
      }
    }
  }

  private call(nameToken: Token, depth: number): Node {
    const name = nameToken.text;
    const spec = FUNCTIONS.get(name);
    if (spec === undefined) {
      throw new ExpressionError(
        `unknown function '${name}' at column ${nameToken.column}; known functions: ${KNOWN_FUNCTIONS}`,
        nameToken.column,
      );
    }
    const open = this.next();
    this.checkDepth(depth + 1, open);
    const args: Node[] = [];
    if (this.peek().kind !== ')') {
      args.push(this.expression(depth + 1, open));
      for (;;) {
        const token = this.peek();
        if (token.kind === ',') {
          this.next();
          args.push(this.expression(depth + 1, token));
        } else if (token.kind === ')') {
          break;
        } else {
          throw new ExpressionError(
            `expected ',' or ')' at column ${token.column} in the call of ${name} at column ${nameToken.column}, found ${describeToken(token)}`,
            token.column,
          );
        }
      }
    }
    this.next();
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      throw new ExpressionError(
        `${name} at column ${nameToken.column} takes ${describeArity(spec)} (${spec.signature}), found ${args.length}`,
        nameToken.column,
      );
    }
    return { kind: 'call', name: spec.name, args, column: nameToken.column };
  }

  private expect(kind: ')', open: Token): void {
    const token = this.peek();
    if (token.kind !== kind) {
      throw new ExpressionError(
        `expected ')' at column ${token.column} to close the '(' at column ${open.column}, found ${describeToken(token)}`,
        token.column,
      );
    }
    this.next();
  }

  private checkDepth(depth: number, token: Token): void {
    if (depth > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError(
        `expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels at column ${token.column}`,
        token.column,
      );
    }
  }
}

function parseNumberLiteral(text: string): number | bigint {
  if (text.includes('.')) return Number(text);
  const value = BigInt(text);
  return value <= MAX_SAFE ? Number(value) : value;
}

function describeArity(spec: FunctionSpec): string {
  if (spec.maxArgs === Number.POSITIVE_INFINITY)
    return `at least ${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}`;
  if (spec.minArgs === spec.maxArgs)
    return `${spec.minArgs} argument${spec.minArgs === 1 ? '' : 's'}`;
  return `${spec.minArgs} to ${spec.maxArgs} arguments`;
}

// ---------------------------------------------------------------------------
// Compilation

function compile(node: Node): Compiled {
  switch (node.kind) {
    case 'number': {
      const constant = node.value;
      return () => constant;
    }
    case 'string': {
      const constant = node.value;
      return () => constant;
    }
    case 'path': {
      const segments = node.segments;
      return (value) => {
        const read = readPath(value, segments);
        // A value the source refused (wrong type) fails the computed field with the source's own error: never computed on.
        if (read instanceof Error) throw read;
        if (Array.isArray(read)) for (const item of read) if (item instanceof Error) throw item;
        return read;
      };
    }
    case 'negate': {
      const operand = compile(node.operand);
      const column = node.column;
      return (value) => {
        const number = toNumeric(operand(value), "'-'", column);
        if (number === null) return null;
        return typeof number === 'bigint' ? narrow(-number) : -number;
      };
    }
    case 'binary': {
      const left = compile(node.left);
      const right = compile(node.right);
      const { op, column } = node;
      const what = `'${op}'`;
      return (value) => {
        const a = toNumeric(left(value), what, column);
        const b = toNumeric(right(value), what, column);
        if (a === null || b === null) return null;
        return arithmetic(op, a, b, column);
      };
    }
    case 'call': {
      const args = node.args.map(compile);
      const spec = FUNCTIONS.get(node.name) as FunctionSpec;
      const column = node.column;
      return (value) => spec.run(args, value, column);
    }
  }
}

function collect(node: Node, paths: Map<string, readonly string[]>, functions: Set<string>): void {
  switch (node.kind) {
    case 'path':
      if (!paths.has(node.segments.join('.')))
        paths.set(node.segments.join('.'), Object.freeze([...node.segments]));
      return;
    case 'negate':
      collect(node.operand, paths, functions);
      return;
    case 'binary':
      collect(node.left, paths, functions);
      collect(node.right, paths, functions);
      return;
    case 'call':
      functions.add(node.name);
      for (const arg of node.args) collect(arg, paths, functions);
      return;
    default:
      return;
  }
}

/**
 * Parses and compiles an expression. Throws ExpressionError, with a 1-based
 * column into `text`, on a syntax error, an unknown function, a call with the
 * wrong number of arguments, text past 1,000 characters or nesting past 32.
 */
export function parseExpression(text: string): Expression {
  if (text.length > MAX_EXPRESSION_LENGTH_CHARS) {
    throw new ExpressionError(
      `an expression may be at most ${MAX_EXPRESSION_LENGTH_CHARS} characters long, found ${text.length}`,
      MAX_EXPRESSION_LENGTH_CHARS + 1,
    );
  }
  const tree = new Parser(tokenize(text)).parse();
  const paths = new Map<string, readonly string[]>();
  const functions = new Set<string>();
  collect(tree, paths, functions);
  const run = compile(tree);
  return Object.freeze({
    text,
    paths: Object.freeze([...paths.values()]),
    functions: Object.freeze([...functions]),
    evaluate: (value: unknown) => toOutput(run(value)),
  });
}
