/**
 * The namespaced view served at /graphql: every source under its own root
 * field, every type name prefixed with the source's PascalCase name so two
 * sources can never collide. Issue 6 replaces this view with the unified
 * schema; `createGateway` takes whichever schema builder it is given.
 *
 *   query        { storefront { getProduct(id: "…") { … } } }   type StorefrontQuery
 *   mutation     { storefront { createOrder(…) { … } } }         type StorefrontMutation
 *   subscription { billing_watchInvoiceEvents { … } }            root fields "<source>_<field>"
 *
 * Mutation fields under one namespace run in parallel (GraphQL runs only
 * root fields in series): send one write per namespace when order matters.
 */
import { MapperKind, mapSchema, rewireTypes } from '@graphql-tools/utils';
import {
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  isInterfaceType,
  isIntrospectionType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLFieldConfigMap,
  type GraphQLNamedType,
} from 'graphql';
import { scalars, toTypeName, type Source } from '../sources/common/index.js';
import type { GatewayContext } from './context.js';

export interface NamespacedPart {
  source: Source;
  /** The source's executable subgraph (createSubgraphSchema). */
  schema: GraphQLSchema;
}

/** The type name prefix of a source: "storefront" → "Storefront". */
export function namespaceOf(sourceName: string): string {
  return toTypeName(sourceName);
}

/** Renames every type of `schema` except built-ins and the shared custom scalars. */
function prefixTypes(schema: GraphQLSchema, prefix: string): GraphQLSchema {
  const keep = (type: GraphQLNamedType): boolean =>
    isSpecifiedScalarType(type) || isIntrospectionType(type);
  // Values carry the source's own __typename ("Pet"); the renamed schema needs "StorefrontPet".
  const resolveType = (value: unknown): string | undefined => {
    const typename = (value as { __typename?: unknown } | null)?.__typename;
    return typeof typename === 'string' ? `${prefix}${typename}` : undefined;
  };
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => {
      if (keep(type)) return type;
      // Shared scalars keep their name and become one instance, so every namespace can use them.
      const shared = isScalarType(type) ? scalars.get(type.name) : undefined;
      if (shared !== undefined) return shared;
      const config = { ...type.toConfig(), name: `${prefix}${type.name}` };
      if (isUnionType(type) || isInterfaceType(type)) Object.assign(config, { resolveType });
      return new (type.constructor as new (config: unknown) => GraphQLNamedType)(config);
    },
  });
}

/** Builds the namespaced schema over every source; throws when two sources share a namespace. */
export function createNamespacedSchema(parts: readonly NamespacedPart[]): GraphQLSchema {
  const queryFields: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  const mutationFields: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  const subscriptionFields: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  // By name: the shared scalars arrive as one copy per source and must become one type.
  const types: Record<string, GraphQLNamedType> = {};
  const namespaces = new Map<string, string>();
  for (const { source, schema } of parts) {
    const prefix = namespaceOf(source.name);
    const clash = namespaces.get(prefix);
    if (clash !== undefined)
      throw new TypeError(
        `Sources "${clash}" and "${source.name}" would share the namespace ${prefix}; rename one.`,
      );
    namespaces.set(prefix, source.name);
    const prefixed = prefixTypes(schema, prefix);
    const query = prefixed.getQueryType();
    const mutation = prefixed.getMutationType();
    const subscription = prefixed.getSubscriptionType();
    // The namespace object has no data of its own; its fields ignore their parent.
    if (query)
      queryFields[source.name] = {
        type: new GraphQLNonNull(query),
        resolve: () => ({}),
        description: `Everything ${source.name} answers.`,
      };
    if (mutation)
      mutationFields[source.name] = {
        type: new GraphQLNonNull(mutation),
        resolve: () => ({}),
        description: `Everything ${source.name} changes.`,
      };
    if (subscription) {
      for (const [name, field] of Object.entries(subscription.toConfig().fields))
        subscriptionFields[`${source.name}_${name}`] = field;
    }
    for (const type of Object.values(prefixed.getTypeMap())) {
      if (type === subscription || isIntrospectionType(type) || isSpecifiedScalarType(type))
        continue;
      types[type.name] = scalars.get(type.name) ?? type;
    }
  }
  types.Query = new GraphQLObjectType({ name: 'Query', fields: queryFields });
  if (Object.keys(mutationFields).length > 0)
    types.Mutation = new GraphQLObjectType({ name: 'Mutation', fields: mutationFields });
  if (Object.keys(subscriptionFields).length > 0)
    types.Subscription = new GraphQLObjectType({
      name: 'Subscription',
      fields: subscriptionFields,
    });
  // rewireTypes points every field at the one type of its name, across sources.
  const { typeMap } = rewireTypes(types, []);
  return new GraphQLSchema({
    query: typeMap.Query as GraphQLObjectType,
    mutation: (typeMap.Mutation as GraphQLObjectType | undefined) ?? null,
    subscription: (typeMap.Subscription as GraphQLObjectType | undefined) ?? null,
    types: Object.values(typeMap),
  });
}
