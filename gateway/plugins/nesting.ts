/**
 * Nesting limits that must hold before anything recursive runs. graphql-js
 * parses a document by recursive descent, so tens of thousands of `[` or `{`
 * overflow the stack inside the parser, before any depth or token rule can
 * see the document; variables' JSON is walked recursively by coercion and by
 * every source's serialiser. Both are measured here by a loop (no recursion)
 * and refused with 400 LIMIT_NESTING_EXCEEDED when deeper than the limit.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

function nestingError(where: string, maxNestingDepth: number): GraphQLError {
  return new GraphQLError(`${where} nest deeper than ${maxNestingDepth} levels.`, {
    extensions: { code: 'LIMIT_NESTING_EXCEEDED', limit: maxNestingDepth, http: { status: 400 } },
  });
}

/**
 * The deepest nesting of `{`, `[` and `(` in a GraphQL document, not counting
 * those inside strings, block strings and comments. Stops counting once past
 * `stopAbove`, so a hostile document costs one pass at most.
 */
export function documentNesting(source: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (char === '"') {
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < source.length && !source.startsWith('"""', i))
          i += source.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i += 1;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n')
          i += source[i] === '\\' ? 2 : 1;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (char === '}' || char === ']' || char === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** The deepest nesting of arrays and objects in a JSON value (a scalar is 0), by a loop. */
export function jsonNesting(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAbove) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current))
      stack.push([child, level]);
  }
  return deepest;
}

export interface NestingOptions {
  /** Deepest nesting of brackets in a document, and of arrays and objects in `variables` and `extensions`. @default 64 */
  readonly maxNestingDepth: number;
}

export function useNestingLimit({ maxNestingDepth }: NestingOptions): Plugin {
  return {
    onParams({ params }) {
      if (
        typeof params.query === 'string' &&
        documentNesting(params.query, maxNestingDepth) > maxNestingDepth
      )
        throw nestingError("The document's brackets", maxNestingDepth);
      if (jsonNesting(params.variables, maxNestingDepth) > maxNestingDepth)
        throw nestingError('The variables', maxNestingDepth);
      if (jsonNesting(params.extensions, maxNestingDepth) > maxNestingDepth)
        throw nestingError('The extensions', maxNestingDepth);
    },
  };
}
