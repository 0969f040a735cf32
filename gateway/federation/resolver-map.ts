/**
 * The resolvers of an executable schema as a resolver map, so the same
 * compiled resolvers serve a schema rebuilt from its SDL (buildSubgraphSchema
 * takes SDL and a map, not a schema). Field resolvers, custom scalars, enum
 * internal values (the unified schema maps them, composition/enums.ts) and
 * abstract types' resolveType are carried over; nothing else is needed.
 */
import {
  isEnumType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLSchema,
} from 'graphql';
import type { buildSubgraphSchema } from '@apollo/subgraph';

/** @apollo/subgraph's resolver map type, which its package does not export by name. */
export type ResolverMap = NonNullable<
  Extract<
    Parameters<typeof buildSubgraphSchema>[0],
    { resolvers?: unknown; typeDefs: unknown }
  >['resolvers']
>;

export function resolverMapOf(schema: GraphQLSchema): ResolverMap {
  const map: ResolverMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    if (isObjectType(type)) {
      const fields: Record<string, { resolve?: never; subscribe?: never }> = {};
      for (const field of Object.values(type.getFields())) {
        if (field.resolve === undefined && field.subscribe === undefined) continue;
        fields[field.name] = {
          ...(field.resolve === undefined ? {} : { resolve: field.resolve as never }),
          ...(field.subscribe === undefined ? {} : { subscribe: field.subscribe as never }),
        };
      }
      if (Object.keys(fields).length > 0) map[type.name] = fields;
    } else if (isScalarType(type) && !isSpecifiedScalarType(type)) {
      map[type.name] = type;
    } else if (isEnumType(type)) {
      const values: Record<string, string | number> = {};
      for (const value of type.getValues())
        if (
          value.value !== value.name &&
          (typeof value.value === 'string' || typeof value.value === 'number')
        )
          values[value.name] = value.value;
      if (Object.keys(values).length > 0) map[type.name] = values;
    } else if (
      (isUnionType(type) || isInterfaceType(type)) &&
      type.resolveType !== undefined &&
      type.resolveType !== null
    ) {
      map[type.name] = { __resolveType: type.resolveType as never };
    }
  }
  return map;
}
