/**
 * Which types of a subgraph are federation entities, by which key, and how a
 * reference (`{ __typename, <key>: value }`) becomes the full value.
 *
 * - A source's entities are what its batch operations look up: the object
 *   type a batchable query returns, keyed by the field that holds the batch
 *   key (`getPrice(sku)` → Price by `sku`; `getCustomer(customerId)` →
 *   Customer by `id`). A reference goes through the per-request loaders, so
 *   every reference of one `_entities` call is one batch call.
 * - The unified schema's entities are its `@entity(key:)` types, resolved by
 *   the root query field that looks one up by that key (`product(sku)`),
 *   whose compiled resolver batches the same way.
 */
import {
  getNamedType,
  getNullableType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { Operation, Source } from '../../sources/common/index.js';
import type { GatewayContext } from '../context.js';
import { exposeError, withDeadline } from '../subgraph.js';

/** Turns one key value into the entity's value (or null when the backend knows none). */
export type FetchByKey = (
  value: string | number,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

export interface EntityKey {
  /** The key field of the type, e.g. "sku". */
  readonly field: string;
  /** Where the value comes from, for docs and errors: "storefront.getProductBySku" or "Query.product". */
  readonly via: string;
  readonly fetch: FetchByKey;
}

/** Entity type name → its keys, in declaration order (the first one a reference carries is used). */
export type Entities = ReadonlyMap<string, readonly EntityKey[]>;

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** The field of `typeName` that holds a batch key argument: the same name, or `id` for "<type>Id" (customerId on Customer). */
function keyFieldOf(
  fields: Record<string, unknown>,
  typeName: string,
  argument: string,
): string | undefined {
  if (argument in fields) return argument;
  if (argument === `${lowerFirst(typeName)}Id` && 'id' in fields) return 'id';
  return undefined;
}

function fromSource(
  source: Source,
  operation: Operation & { batch: NonNullable<Operation['batch']> },
): FetchByKey {
  return async (value, ctx) => {
    try {
      return await withDeadline(
        ctx.loaders.call(source.name, operation, { [operation.batch.key]: value }, ctx.outbound),
        ctx,
      );
    } catch (error) {
      throw exposeError(error);
    }
  };
}

/** The entities of one source's subgraph (`schema` is createSubgraphSchema's). */
export function sourceEntities(source: Source, schema: GraphQLSchema): Entities {
  const entities = new Map<string, EntityKey[]>();
  const query = schema.getQueryType()?.getFields() ?? {};
  for (const operation of source.operations.values()) {
    if (operation.kind !== 'query' || operation.batch === undefined) continue;
    const field = query[operation.name];
    // A list answer (erp's stock rows: many per key) is not one entity per key.
    const type = field === undefined ? undefined : getNullableType(field.type);
    if (type === undefined || !isObjectType(type)) continue;
    const fields = type.getFields();
    const keyField = keyFieldOf(fields, type.name, operation.batch.key);
    if (keyField === undefined || !isScalarType(getNamedType(fields[keyField]?.type))) continue;
    const keys = entities.get(type.name) ?? [];
    if (!keys.some((key) => key.field === keyField))
      keys.push({
        field: keyField,
        via: `${source.name}.${operation.name}`,
        fetch: fromSource(
          source,
          operation as Operation & { batch: NonNullable<Operation['batch']> },
        ),
      });
    entities.set(type.name, keys);
  }
  return entities;
}

/** `@entity(key:)` types of the unified schema's documents, by name. */
export function declaredEntities(documents: readonly DocumentNode[]): Map<string, string> {
  const declared = new Map<string, string>();
  for (const document of documents) {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      const entity = definition.directives?.find((directive) => directive.name.value === 'entity');
      const key = entity?.arguments?.find((argument) => argument.name.value === 'key')?.value;
      if (key?.kind === Kind.STRING) declared.set(definition.name.value, key.value);
    }
  }
  return declared;
}

/**
 * The unified schema's entities: each `@entity` type with a root query field
 * that returns it (not a list) and takes the key (an argument of the key's
 * name, or its only argument). One without such a field is left out and named
 * in `unresolvable`, for the gateway to warn about.
 */
export function unifiedEntities(
  schema: GraphQLSchema,
  declared: ReadonlyMap<string, string>,
): { entities: Entities; unresolvable: string[] } {
  const entities = new Map<string, EntityKey[]>();
  const unresolvable: string[] = [];
  const query = Object.values(schema.getQueryType()?.getFields() ?? {});
  for (const [typeName, key] of declared) {
    const lookup = query.find((field) => {
      const type = getNullableType(field.type);
      if (!isObjectType(type) || type.name !== typeName || field.resolve === undefined)
        return false;
      return field.args.some((argument) => argument.name === key) || field.args.length === 1;
    });
    if (lookup === undefined) {
      unresolvable.push(typeName);
      continue;
    }
    const argument = (lookup.args.find((candidate) => candidate.name === key) ?? lookup.args[0])
      ?.name as string;
    const resolve = lookup.resolve as GraphQLFieldResolver<unknown, GatewayContext>;
    entities.set(typeName, [
      {
        field: key,
        via: `Query.${lookup.name}`,
        fetch: async (value, ctx, info) => resolve(undefined, { [argument]: value }, ctx, info),
      },
    ]);
  }
  return { entities, unresolvable };
}
