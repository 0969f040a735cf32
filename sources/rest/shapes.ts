/**
 * The GraphQL shape of a contract's schemas, kept as data rather than only
 * as SDL, because the same shapes drive three things: the printed subgraph
 * (`sdl.ts`), mapping answers into subgraph shape and mapping arguments back
 * to the wire (`codec.ts`).
 */

import type { ValueConstraint } from '../common/index.js';

/** A type at a use site: the shape and whether it is non-null there. */
export interface TypeRef {
  readonly shape: Shape;
  nonNull: boolean;
  /** Input only: the contract's limits of the value (and, on a list, of its items), printed as `@constraint`. */
  constraint?: ValueConstraint;
}

export type Shape = ScalarShape | EnumShape | ObjectShape | UnionShape | ListShape;

export interface ScalarShape {
  readonly kind: 'scalar';
  /** A built-in (String, Int, Float, Boolean) or one of sources/common/scalars.ts. */
  readonly name: string;
  /** The JSON type on the wire ("integer", "string"...), when the scalar's own form differs (BigInt, Decimal). */
  readonly wireType?: string;
}

export interface EnumValueShape {
  /** The GraphQL enum value, e.g. IN_STOCK. */
  readonly name: string;
  /** The value on the wire, e.g. "in-stock" or 3. */
  readonly wire: string | number;
}

export interface EnumShape {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly EnumValueShape[];
  readonly description?: string;
}

export interface FieldShape {
  /** The GraphQL field name. */
  readonly name: string;
  /** The JSON property name on the wire. */
  readonly wireName: string;
  readonly type: TypeRef;
  readonly description?: string;
  /** On a member field of a `@oneOf` input: the discriminator property and value to send with it. */
  readonly tag?: { readonly wireProperty: string; readonly value: string };
}

export interface ObjectShape {
  readonly kind: 'object';
  readonly name: string;
  /** An input object (arguments, request bodies) rather than an output type. */
  readonly input: boolean;
  /** Filled after creation, so cyclic schemas can refer to the shape while it is built. */
  fields: FieldShape[];
  readonly description?: string;
  /**
   * An input union (`oneOf` in an argument): a `@oneOf` input object with one
   * field per member; the caller sets exactly one, and its value is sent as is.
   */
  readonly oneOf?: boolean;
}

export interface UnionShape {
  readonly kind: 'union';
  readonly name: string;
  readonly members: readonly ObjectShape[];
  /** From the schema's `discriminator`: wire property and the member each of its values selects. */
  readonly discriminator?: {
    readonly wireProperty: string;
    readonly byValue: ReadonlyMap<string, ObjectShape>;
  };
  readonly description?: string;
}

export interface ListShape {
  readonly kind: 'list';
  readonly of: TypeRef;
}

export type NamedShape = EnumShape | ObjectShape | UnionShape;

export const JSON_SCALAR: ScalarShape = { kind: 'scalar', name: 'JSON' };

export function scalar(name: string, wireType?: string): ScalarShape {
  return wireType === undefined ? { kind: 'scalar', name } : { kind: 'scalar', name, wireType };
}
