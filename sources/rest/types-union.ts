/**
 * `oneOf` / `anyOf` → a GraphQL union of object types. GraphQL unions hold
 * only object types and have no input form, so scalar or array members, and
 * every union in an input position, fall back to JSON with a warning.
 * A `discriminator` (propertyName + mapping) is kept so answers can be
 * told apart by the property the contract names; without one, `codec.ts`
 * picks the member whose fields match the answer best.
 */
import { createNameAllocator, toFieldName, type SourceWarning } from '../common/index.js';
import {
  childLoc,
  deref,
  isObject,
  locKey,
  refTarget,
  showLoc,
  type DocumentSet,
  type Located,
} from './refs.js';
import {
  JSON_SCALAR,
  type FieldShape,
  type NamedShape,
  type ObjectShape,
  type Shape,
  type TypeRef,
  type UnionShape,
} from './shapes.js';
import { isNullOnly } from './types-scalar.js';
import type { Mode } from './types.js';

export interface UnionInit {
  readonly docs: DocumentSet;
  readonly located: Located;
  readonly node: Record<string, unknown>;
  readonly options: readonly unknown[];
  readonly mode: Mode;
  readonly name: string;
  readonly key: string;
  readonly depth: number;
  readonly convert: (
    located: Located | undefined,
    mode: Mode,
    context: string,
    depth?: number,
  ) => TypeRef;
  readonly warn: (warning: SourceWarning) => void;
  readonly claim: (base: string) => string;
  readonly register: <T extends NamedShape>(key: string, shape: T) => T;
}

function isNullSchema(node: unknown): boolean {
  return isObject(node) && isNullOnly(node);
}

export function buildUnion(init: UnionInit): TypeRef {
  const { docs, located, node, mode, name, warn } = init;
  const path = showLoc(located.loc, docs);
  const keyword = Array.isArray(node.oneOf) ? 'oneOf' : 'anyOf';
  const options: Located[] = [];
  let nullable = false;
  init.options.forEach((option, index) => {
    const optionLoc = { node: option, loc: childLoc(located.loc, keyword, index) };
    const resolved = deref(docs, optionLoc);
    if (resolved.ok && isNullSchema(resolved.node)) nullable = true;
    else options.push(optionLoc);
  });
  const withNull = (ref: TypeRef): TypeRef => ({
    shape: ref.shape,
    nonNull: ref.nonNull && !nullable,
  });
  if (options.length === 0) return { shape: JSON_SCALAR, nonNull: false };
  if (options.length === 1) return withNull(init.convert(options[0], mode, name, init.depth + 1));
  if (mode === 'input') return buildOneOfInput(init, options, nullable);

  const members: Array<{ shape: ObjectShape; key: string; schemaName: string | undefined }> = [];
  for (const [index, option] of options.entries()) {
    const resolved = deref(docs, option);
    const ref = init.convert(option, 'output', `${name}Option${index + 1}`, init.depth + 1);
    if (ref.shape.kind !== 'object' || !resolved.ok) {
      warn({
        path,
        message: `${keyword} member ${index + 1} is not an object type, which a GraphQL union cannot hold; the whole ${keyword} is taken as JSON.`,
      });
      return { shape: JSON_SCALAR, nonNull: !nullable };
    }
    const shape = ref.shape;
    if (members.some((member) => member.shape === shape)) continue;
    const segments = (resolved.named?.pointer ?? '').split('/');
    members.push({
      shape,
      key: resolved.named ? locKey(resolved.named) : locKey(resolved.loc),
      schemaName: resolved.named ? segments[segments.length - 1] : undefined,
    });
  }
  if (members.length === 1)
    return withNull({ shape: (members[0] as { shape: ObjectShape }).shape, nonNull: true });

  const union: UnionShape = {
    kind: 'union',
    name: init.claim(name),
    members: members.map((member) => member.shape),
    discriminator: readDiscriminator(init, members),
    description: typeof node.description === 'string' ? node.description : undefined,
  };
  return { shape: init.register(init.key, union), nonNull: !nullable };
}

/**
 * The discriminator's mapping, plus the implicit rule of the spec: without a
 * mapping entry, the value is the member schema's own name.
 */
function readDiscriminator(
  init: UnionInit,
  members: ReadonlyArray<{ shape: ObjectShape; key: string; schemaName: string | undefined }>,
): UnionShape['discriminator'] {
  const discriminator = init.node.discriminator;
  if (!isObject(discriminator) || typeof discriminator.propertyName !== 'string') return undefined;
  const byValue = new Map<string, ObjectShape>();
  if (isObject(discriminator.mapping)) {
    for (const [value, target] of Object.entries(discriminator.mapping)) {
      if (typeof target !== 'string') continue;
      const member =
        target.includes('/') || target.includes('#')
          ? members.find((m) => m.key === locKey(refTarget(target, init.located.loc)))
          : members.find((m) => m.schemaName === target);
      if (member) byValue.set(value, member.shape);
      else
        init.warn({
          path: showLoc(init.located.loc, init.docs),
          message: `discriminator mapping "${value}" names no member of the union; ignored.`,
        });
    }
  }
  for (const member of members)
    if (member.schemaName !== undefined && !byValue.has(member.schemaName))
      byValue.set(member.schemaName, member.shape);
  return { wireProperty: discriminator.propertyName, byValue };
}

/**
 * GraphQL has no input unions, but it has `@oneOf` input objects (graphql-js
 * 16.9+, RFC "OneOf Input Objects"): one nullable field per member, exactly
 * one set by the caller. Members may be scalars too. When the schema has a
 * discriminator, the chosen member's value is sent with its tag filled in.
 */
function buildOneOfInput(init: UnionInit, options: readonly Located[], nullable: boolean): TypeRef {
  const { docs, located, name } = init;
  const fieldNames = createNameAllocator();
  const fields: FieldShape[] = [];
  const discriminator =
    isObject(init.node.discriminator) && typeof init.node.discriminator.propertyName === 'string'
      ? init.node.discriminator
      : undefined;
  const mapping = discriminator && isObject(discriminator.mapping) ? discriminator.mapping : {};
  for (const [index, option] of options.entries()) {
    const resolved = deref(docs, option);
    const ref = init.convert(option, 'input', `${name}Option${index + 1}`, init.depth + 1);
    if (fields.some((field) => field.type.shape === ref.shape)) continue;
    const schemaName =
      resolved.ok && resolved.named ? resolved.named.pointer.split('/').pop() : undefined;
    const tagValue =
      schemaName === undefined
        ? undefined
        : (Object.entries(mapping).find(
            ([, target]) =>
              typeof target === 'string' &&
              (target === schemaName ||
                (resolved.ok &&
                  resolved.named !== undefined &&
                  locKey(refTarget(target, located.loc)) === locKey(resolved.named))),
          )?.[0] ?? schemaName);
    fields.push({
      name: fieldNames.claim(toFieldName(memberLabel(ref.shape))),
      wireName: '',
      type: { shape: ref.shape, nonNull: false },
      tag:
        discriminator && tagValue !== undefined && ref.shape.kind === 'object'
          ? { wireProperty: discriminator.propertyName as string, value: tagValue }
          : undefined,
    });
  }
  if (fields.length === 1)
    return { shape: (fields[0] as FieldShape).type.shape, nonNull: !nullable };
  const shape: ObjectShape = {
    kind: 'object',
    name: init.claim(name.endsWith('Input') ? name : `${name}Input`),
    input: true,
    oneOf: true,
    fields,
    description: typeof init.node.description === 'string' ? init.node.description : undefined,
  };
  return { shape: init.register(init.key, shape), nonNull: !nullable };
}

/** `CardPaymentInput` → "CardPayment", `[String]` → "StringList": the member's field name before camelCasing. */
function memberLabel(shape: Shape): string {
  if (shape.kind === 'list') return `${memberLabel(shape.of.shape)}List`;
  return shape.name.replace(/Input$/, '');
}
