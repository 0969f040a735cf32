/**
 * Compiles @fetch's `args` into one function per binding, once at start-up:
 * (parent source value, field arguments) → the operation's arguments.
 * Only `$args`, `$parent` and `$caller.partner` reach the call, and only as values the source
 * then encodes: a caller never picks the source, operation or address.
 */
import { getNullableType, isInputObjectType, isListType, type GraphQLInputType } from 'graphql';
import type { Args } from '../../sources/common/index.js';
import type { ArgTemplate } from './bindings.js';
import { readPath } from './path.js';

/**
 * `scope` holds what `$caller.` reads in a @fetch (`{ caller }`); a write's
 * steps pass their scope (`caller`, `steps`, `item`) as the parent instead.
 */
type Build = (
  parent: unknown,
  args: Readonly<Record<string, unknown>>,
  scope?: Readonly<Record<string, unknown>>,
) => unknown;

/** A single value where the operation wants a list is wrapped: `itemCode: "$parent.sku"` → ["SKU-1"]. */
function wrapForList(type: GraphQLInputType | undefined, build: Build): Build {
  if (type === undefined || !isListType(getNullableType(type))) return build;
  return (parent, args, scope) => {
    const value = build(parent, args, scope);
    return value === undefined || value === null || Array.isArray(value) ? value : [value];
  };
}

/**
 * readPath into the caller's arguments, but undefined (left out of the call)
 * where the caller left an input field out, rather than null: a write's step
 * sends only the fields given (updateProduct with a title sends no description).
 */
function readGiven(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const [index, segment] of path.entries()) {
    if (current === undefined) return undefined;
    if (current === null || typeof current !== 'object' || Array.isArray(current))
      return readPath(current, path.slice(index));
    if (!(segment in current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function compile(template: ArgTemplate, type: GraphQLInputType | undefined): Build {
  switch (template.kind) {
    case 'literal': {
      const { value } = template;
      return () => value;
    }
    case 'ref': {
      const { path } = template;
      const [first, ...rest] = path;
      if (template.root === 'args') {
        if (rest.length === 0) return wrapForList(type, (_parent, args) => args[first as string]);
        return wrapForList(type, (_parent, args) => readGiven(args[first as string], rest));
      }
      // `$caller.` and `$steps.` (a write's steps) read the scope the write passes as the parent.
      const rooted = template.root === 'parent' ? path : [template.root, ...path];
      if (template.root === 'caller')
        // A caller without that field (no partner) sends nothing, never a null filter.
        return wrapForList(type, (parent, _args, scope) => {
          const value = readPath(scope ?? parent, rooted);
          return value === null ? undefined : value;
        });
      return wrapForList(type, (parent) => readPath(parent, rooted));
    }
    case 'object': {
      const named = type === undefined ? undefined : getNullableType(type);
      const fields = isInputObjectType(named) ? named.getFields() : {};
      const entries = [...template.fields].map(
        ([name, { template: inner }]) => [name, compile(inner, fields[name]?.type)] as const,
      );
      return (parent, args, scope) => {
        const result: Record<string, unknown> = {};
        // An argument the caller left out is left out of the call too (not sent as null).
        for (const [name, build] of entries) {
          const value = build(parent, args, scope);
          if (value !== undefined) result[name] = value;
        }
        return result;
      };
    }
    case 'each': {
      // The list's elements become `$item` of the object built for each (write steps only).
      const over = compile(template.over, undefined);
      const named = type === undefined ? undefined : getNullableType(type);
      const element = isListType(named) ? (named.ofType as GraphQLInputType) : type;
      const item = compile(template.item, element);
      return (parent, args, scope) => {
        const list = over(parent, args, scope);
        if (list === undefined || list === null) return list;
        const own = (parent ?? {}) as Record<string, unknown>;
        return (Array.isArray(list) ? list : [list]).map((element) =>
          item({ ...own, item: element }, args, scope),
        );
      };
    }
    case 'list': {
      const nullable = type === undefined ? undefined : getNullableType(type);
      const item = isListType(nullable) ? (nullable.ofType as GraphQLInputType) : undefined;
      const items = template.items.map((inner) => compile(inner, item));
      return (parent, args, scope) => items.map((build) => build(parent, args, scope));
    }
  }
}

/**
 * @param argTypes the operation's argument types by name, for list wrapping
 * @param keepSingle an argument left single even when list-typed: the batch
 *   key, which the loader batches (and wraps itself for a batch of one)
 */
export function compileArgs(
  templates: ReadonlyMap<string, { readonly template: ArgTemplate }>,
  argTypes: ReadonlyMap<string, GraphQLInputType>,
  keepSingle?: string,
): (
  parent: unknown,
  args: Readonly<Record<string, unknown>>,
  scope?: Readonly<Record<string, unknown>>,
) => Args {
  const entries = [...templates].map(
    ([name, { template }]) =>
      [name, compile(template, name === keepSingle ? undefined : argTypes.get(name))] as const,
  );
  return (parent, args, scope) => {
    const result: Record<string, unknown> = {};
    for (const [name, build] of entries) {
      const value = build(parent, args, scope);
      if (value !== undefined) result[name] = value;
    }
    return result;
  };
}
