/**
 * The compiled resolvers on a small in-memory source (an Operation object
 * that records its arguments; no transport): argument building, list
 * wrapping, `$$` literals, omitted arguments, connections, enum mapping.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse, execute, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSchema } from '../../../../gateway/composition/index.js';
import { encodeEdgeCursor } from '../../../../gateway/composition/connection.js';
import { anonymousCaller } from '../../../../gateway/auth/index.js';
import { createLoaders } from '../../../../gateway/loaders.js';
import type { GatewayContext } from '../../../../gateway/context.js';
import type { Args, Operation, Source } from '../../../../sources/common/index.js';

const calls: Array<{ operation: string; args: Args }> = [];
/** The last answer an operation gave, held weakly: what the request may still reach once it is served. */
let lastAnswer: WeakRef<object> | undefined;

function operation(name: string, answer: (args: Args) => unknown): Operation {
  return {
    name,
    kind: 'query',
    idempotent: true,
    async invoke(args) {
      calls.push({ operation: name, args });
      const value = answer(args);
      if (typeof value === 'object' && value !== null) lastAnswer = new WeakRef(value);
      return value;
    },
  };
}

const source: Source = {
  name: 'inv',
  kind: 'rest',
  typeDefs: parse(`
    type Query { getThing(ids: [String!]!, note: String): Thing  page(limit: Int, cursor: String): Page }
    type Thing { code: String!  kind: String!  note: String }
    type Page { items: [Thing!]!  next: String }
  `),
  operations: new Map([
    [
      'getThing',
      operation('getThing', (args) => ({
        code: (args.ids as string[]).join('+'),
        kind: args.note === 'odd' ? 'K_ODD' : 'K_OPEN',
        note: args.note ?? null,
      })),
    ],
    [
      'page',
      operation('page', (args) => ({
        items: [
          { code: 'a', kind: 'K_OPEN' },
          { code: 'b', kind: 'OPEN' },
        ],
        next: args.cursor === undefined ? 'c2' : null,
      })),
    ],
  ]),
  warnings: [],
  health: async () => ({ ok: true, latencyMs: 0 }),
  close: async () => undefined,
};

const sdl = `
type Query {
  thing(id: ID!, note: String): Thing @fetch(source: "inv", operation: "getThing", args: { ids: "$args.id", note: "$args.note" })
  literal: Thing @fetch(source: "inv", operation: "getThing", args: { ids: ["x", "y"], note: "$$args.not-a-ref" })
  things(first: Int = 2, after: String): ThingConnection! @fetch(source: "inv", operation: "page", args: { limit: "$args.first", cursor: "$args.after" }) @connection(items: "items", nextCursor: "next")
}
type Thing {
  code: ID!
  kind: Kind!
  label: String! @compute(expr: "concat(code, \\"/\\", note)")
}
enum Kind { OPEN @enumFrom(values: ["K_OPEN"]) }
type ThingConnection { edges: [ThingEdge!]!  pageInfo: PageInfo! }
type ThingEdge { cursor: String  node: Thing! }
type PageInfo { hasNextPage: Boolean!  hasPreviousPage: Boolean!  startCursor: String  endCursor: String }
`;

async function run(query: string): Promise<ExecutionResult> {
  return (await runKeeping(query)).result;
}

/** Runs `query` and hands back its context too, so a test can keep the request alive past its answer. */
async function runKeeping(
  query: string,
): Promise<{ result: ExecutionResult; contextValue: GatewayContext }> {
  const composition = composeSchema({
    documents: [{ file: 'inline.graphql', sdl }],
    sources: [source],
  });
  if (!composition.ok) throw new Error(composition.errors.map((error) => error.message).join('\n'));
  calls.length = 0;
  const signal = new AbortController().signal;
  const deadlineAt = Date.now() + 1000;
  const contextValue: GatewayContext = {
    caller: anonymousCaller('local'),
    loaders: createLoaders(),
    signal,
    requestSignal: signal,
    requestId: 't',
    requestTimeoutMs: 1000,
    deadlineAt,
    outbound: { signal, requestId: 't', deadlineAt },
    notices: [],
  };
  const result = await execute({
    schema: composition.schema,
    document: parse(query),
    contextValue,
  });
  return { result, contextValue };
}

describe('compiled bindings', () => {
  it('keeps no backend answer reachable through the request signal once served (issue 15)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let request: { result: ExecutionResult; contextValue: GatewayContext } | undefined =
      await runKeeping('{ thing(id: "A") { code } }');
    expect(request.result.data).toEqual({ thing: { code: 'A' } });
    expect(lastAnswer?.deref()).toBeDefined();
    // Whatever still holds the request's signal must not hold what was served: a race of every
    // fetch against one never-settling promise per signal kept each answer as long as the signal,
    // and under load ~10% of what a query allocated outlived the young generation.
    const { signal } = request.contextValue;
    request = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(lastAnswer?.deref()).toBeUndefined();
    expect(signal.aborted).toBe(false);
  });

  it('wraps a single value bound to a list argument, and leaves an omitted argument out', async () => {
    const result = await run('{ thing(id: "A") { code kind label } }');
    expect(result).toEqual({ data: { thing: { code: 'A', kind: 'OPEN', label: 'A/' } } });
    expect(calls).toEqual([{ operation: 'getThing', args: { ids: ['A'] } }]);
  });

  it('passes literals as written, "$$" as a literal "$"', async () => {
    const result = await run('{ literal { code } }');
    expect(result.data).toEqual({ literal: { code: 'x+y' } });
    expect(calls[0]?.args).toEqual({ ids: ['x', 'y'], note: '$args.not-a-ref' });
  });

  it('builds a Relay connection with the backend cursor as endCursor and last edge cursor', async () => {
    const first = await run(
      '{ things { edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
    );
    expect(first.data).toEqual({
      things: {
        edges: [
          // Every edge has a cursor (issue 13): mid-page a gateway cursor, the last the backend's own.
          { cursor: encodeEdgeCursor(null, 1), node: { code: 'a' } },
          { cursor: 'c2', node: { code: 'b' } },
        ],
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: 'c2' },
      },
    });
    expect(calls[0]?.args).toEqual({ limit: 2 });
    const next = await run(
      '{ things(after: "c2") { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
    );
    expect(next.data).toEqual({
      things: {
        pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: 'c2', endCursor: null },
      },
    });
  });

  it('maps enum values through @enumFrom and its own names, and fails the field on an unmapped one', async () => {
    const listed = await run('{ things { edges { node { kind } } } }');
    expect(listed.data).toEqual({
      things: { edges: [{ node: { kind: 'OPEN' } }, { node: { kind: 'OPEN' } }] },
    });
    const odd = await run('{ thing(id: "A", note: "odd") { code kind } }');
    expect(odd.data).toEqual({ thing: null });
    expect(odd.errors?.[0]?.message).toBe(
      'The source value "K_ODD" has no value in enum Kind; add it to an @enumFrom of Kind.',
    );
    expect(odd.errors?.[0]?.path).toEqual(['thing', 'kind']);
  });
});
