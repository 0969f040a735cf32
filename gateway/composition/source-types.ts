/**
 * Type references into the sources' subgraphs, as the composer sees them:
 * which source type feeds a unified type, and what a dot path from it reads
 * (a list along the way maps, so the result is a list).
 */
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import type { Source } from '../../sources/common/index.js';

/** What a source value is, at some point of a walk. */
export interface SourceRef {
  readonly source: string;
  readonly type: GraphQLNamedType;
  /** A list (of lists, flattened) of `type`. */
  readonly list: boolean;
  /** May the value (or, for a list, the list itself) be null? */
  readonly nullable: boolean;
  /** For a list: may an element be null? */
  readonly itemNullable: boolean;
}

/** The shape of a GraphQL type: nested lists count as one list (paths flatten them). */
export interface TypeShape {
  readonly named: GraphQLNamedType;
  readonly list: boolean;
  readonly nullable: boolean;
  readonly itemNullable: boolean;
}

export function shapeOf(type: GraphQLType): TypeShape {
  const nullable = !isNonNullType(type);
  const inner = getNullableType(type);
  if (!isListType(inner))
    return { named: getNamedType(type), list: false, nullable, itemNullable: false };
  return {
    named: getNamedType(type),
    list: true,
    nullable,
    itemNullable: !isNonNullType(inner.ofType),
  };
}

/** "storefront's Product", "a list of erp's StockLevel". */
export function describeRef(ref: SourceRef): string {
  return `${ref.list ? 'a list of ' : ''}${ref.source}'s ${ref.type.name}`;
}

export function refOf(source: string, type: GraphQLType): SourceRef {
  const shape = shapeOf(type);
  return {
    source,
    type: shape.named,
    list: shape.list,
    nullable: shape.nullable,
    itemNullable: shape.itemNullable,
  };
}

/** The fields a value of `type` has, or undefined for leaves. */
export function fieldsOf(
  type: GraphQLNamedType,
): Readonly<Record<string, GraphQLField<unknown, unknown>>> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : undefined;
}

export type PathResult =
  | { readonly ok: true; readonly ref: SourceRef }
  | {
      readonly ok: false;
      readonly missing: string;
      readonly on: SourceRef;
      readonly known: readonly string[];
    };

/** What `path` reads from a value described by `start`. */
export function resolvePath(start: SourceRef, path: readonly string[]): PathResult {
  let ref = start;
  for (const segment of path) {
    const fields = fieldsOf(ref.type);
    const field = fields?.[segment];
    if (fields === undefined || field === undefined)
      return {
        ok: false,
        missing: segment,
        on: ref,
        known: fields === undefined ? [] : Object.keys(fields),
      };
    const next = shapeOf(field.type);
    const list = ref.list || next.list;
    ref = {
      source: ref.source,
      type: next.named,
      list,
      // Through a list, a null element or a null field becomes a null element; the list itself stays.
      nullable: ref.list ? ref.nullable : next.nullable,
      itemNullable: ref.list
        ? ref.itemNullable || next.nullable || next.itemNullable
        : next.itemNullable,
    };
  }
  return { ok: true, ref };
}

/** The values of a source enum, for @enumFrom coverage. */
export function enumValuesOf(type: GraphQLNamedType): readonly string[] | undefined {
  return isEnumType(type) ? type.getValues().map((value) => value.name) : undefined;
}

/** Each source's subgraph as a schema, for looking up operations and types. Built once per composition. */
export function buildSourceSchemas(
  sources: readonly Source[],
): Map<string, { source: Source; schema: GraphQLSchema }> {
  return new Map(
    sources.map((source) => [
      source.name,
      { source, schema: buildASTSchema(source.typeDefs, { assumeValidSDL: true }) },
    ]),
  );
}
