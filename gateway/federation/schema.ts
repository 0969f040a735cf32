/**
 * A schema served as an Apollo Federation v2 subgraph: its SDL with `@key`
 * on each entity and a `@link` to the federation spec, rebuilt by
 * @apollo/subgraph's buildSubgraphSchema (which adds `_service { sdl }` and
 * `_entities`) on the schema's own compiled resolvers. Subscriptions are left
 * out: federation routers do not pass them to subgraphs over HTTP.
 *
 * `_entities` is guarded before any backend is called: at most
 * `maxRepresentations` per call, each an object naming an entity of this
 * subgraph and carrying one of its keys as a string or a number.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  GraphQLError,
  GraphQLSchema,
  Kind,
  parse,
  print,
  printSchema,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { GatewayError, toGraphQLError } from '../errors.js';
import type { Entities } from './entities.js';
import { resolverMapOf, type ResolverMap } from './resolver-map.js';

/** The federation version the subgraphs declare (@apollo/subgraph 2.14 supports it). */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.3';

/** Longest key value accepted in a representation, in characters. */
const MAX_KEY_CHARS = 256;

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

function keyDirective(field: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'key' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'fields' },
        value: { kind: Kind.STRING, value: field },
      },
    ],
  };
}

/** The schema's SDL with `@key`s and the federation `@link`. */
export function federationTypeDefs(schema: GraphQLSchema, entities: Entities): DocumentNode {
  const printed = parse(printSchema(schema));
  const keyed = visit(printed, {
    ObjectTypeDefinition(node) {
      const keys = entities.get(node.name.value);
      return keys === undefined
        ? undefined
        : {
            ...node,
            directives: [...(node.directives ?? []), ...keys.map((key) => keyDirective(key.field))],
          };
    },
  });
  // graphql-js prints no definition for its built-in @oneOf, and @apollo/subgraph's SDL check does not know it.
  const oneOf = /@oneOf\b/.test(print(keyed)) ? '\ndirective @oneOf on INPUT_OBJECT' : '';
  const link = parse(
    `extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key", "@shareable"])${oneOf}`,
  );
  return { kind: Kind.DOCUMENT, definitions: [...link.definitions, ...keyed.definitions] };
}

function badInput(message: string): GraphQLError {
  return toGraphQLError(new GatewayError({ code: 'BAD_USER_INPUT', safeMessage: message }));
}

/** Refuses the whole `_entities` call when one representation is not usable: a router never sends such. */
function checkRepresentations(
  representations: unknown,
  entities: Entities,
  maxRepresentations: number,
): void {
  if (!Array.isArray(representations)) throw badInput('"representations" should be a list.');
  if (representations.length > maxRepresentations) {
    throw toGraphQLError(
      new GatewayError({
        code: 'LIMIT_REPRESENTATIONS_EXCEEDED',
        safeMessage: `One _entities call may ask for at most ${maxRepresentations} representations; this one asked for ${representations.length}.`,
        details: { limit: maxRepresentations },
      }),
    );
  }
  representations.forEach((representation: unknown, index) => {
    if (
      typeof representation !== 'object' ||
      representation === null ||
      Array.isArray(representation)
    )
      throw badInput(`representations[${index}] should be an object with __typename and a key.`);
    const { __typename: typename } = representation as { __typename?: unknown };
    const keys = typeof typename === 'string' ? entities.get(typename) : undefined;
    if (keys === undefined) {
      const named =
        typeof typename === 'string' && NAME.test(typename)
          ? `"${typename}", which is not an entity of this subgraph`
          : 'no entity of this subgraph';
      throw badInput(
        `representations[${index}] names ${named}. Entities: ${[...entities.keys()].join(', ') || 'none'}.`,
      );
    }
    const key = keys.find((candidate) =>
      usableKey((representation as Record<string, unknown>)[candidate.field]),
    );
    if (key === undefined)
      throw badInput(
        `representations[${index}] (${typename as string}) needs its key ${keys.map((candidate) => `"${candidate.field}"`).join(' or ')} as a string or a number of at most ${MAX_KEY_CHARS} characters.`,
      );
  });
}

function usableKey(value: unknown): value is string | number {
  return (
    (typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_CHARS) ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function referenceResolvers(entities: Entities): ResolverMap {
  const map: ResolverMap = {};
  for (const [typeName, keys] of entities) {
    map[typeName] = {
      // Every reference of one _entities call resolves in the same tick: the loaders batch them.
      __resolveReference: ((
        reference: Record<string, unknown>,
        ctx: GatewayContext,
        info: never,
      ) => {
        const key = keys.find((candidate) => usableKey(reference[candidate.field]));
        // checkRepresentations refused such a call already; kept for a reference nested in another value.
        if (key === undefined) return null;
        return key.fetch(reference[key.field] as string | number, ctx, info);
      }) as never,
    };
  }
  return map;
}

/**
 * The federation subgraph of `schema` (a source's subgraph or the unified
 * schema), answering with `schema`'s own resolvers.
 */
export function buildFederationSchema(
  schema: GraphQLSchema,
  entities: Entities,
  options: { maxRepresentations: number; mutations: boolean },
): GraphQLSchema {
  const config = schema.toConfig();
  // The root types go from the type list too: printed, a type named "Subscription" would be a root again.
  const dropped = new Set(
    [schema.getSubscriptionType(), options.mutations ? undefined : schema.getMutationType()].filter(
      (type) => type !== undefined && type !== null,
    ),
  );
  const served = new GraphQLSchema({
    ...config,
    types: config.types.filter((type) => !dropped.has(type as never)),
    subscription: null,
    ...(options.mutations ? {} : { mutation: null }),
  });
  const resolvers = resolverMapOf(served);
  for (const [typeName, extra] of Object.entries(referenceResolvers(entities)))
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(extra as object) } as never;
  const federated = buildSubgraphSchema({
    typeDefs: federationTypeDefs(served, entities),
    resolvers,
  });
  const field = federated.getQueryType()?.getFields()._entities;
  if (field !== undefined) {
    const resolve = field.resolve;
    field.resolve = (source, args, ctx, info) => {
      checkRepresentations(
        (args as { representations?: unknown }).representations,
        entities,
        options.maxRepresentations,
      );
      return resolve?.(source, args, ctx, info);
    };
  }
  return federated;
}
