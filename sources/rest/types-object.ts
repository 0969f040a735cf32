/**
 * Object schemas: the properties and `required` of a schema and every
 * `allOf` part it merges, and the GraphQL field names they get.
 */
import { createNameAllocator, isValidGraphQLName, toFieldName } from '../common/index.js';
import { childLoc, deref, isObject, locKey, type DocumentSet, type Located } from './refs.js';

/** How deep `allOf` may nest inside `allOf` before the rest is ignored. */
const MAX_ALLOF_DEPTH = 32;

export interface MergedObject {
  /** Wire property name → its schema, in contract order (later allOf parts override earlier ones). */
  readonly properties: Map<string, Located>;
  readonly required: Set<string>;
  description?: string;
}

/** Merges the properties of `located` and its `allOf` parts; never loops on cyclic allOf. */
export function collectObject(docs: DocumentSet, located: Located): MergedObject {
  const merged: MergedObject = { properties: new Map(), required: new Set() };
  const visiting = new Set<string>();
  const visit = (part: Located, depth: number): void => {
    if (depth > MAX_ALLOF_DEPTH) return;
    const resolved = deref(docs, part);
    if (!resolved.ok || !isObject(resolved.node)) return;
    const key = locKey(resolved.loc);
    if (visiting.has(key)) return;
    visiting.add(key);
    const node = resolved.node;
    if (merged.description === undefined && typeof node.description === 'string')
      merged.description = node.description;
    if (Array.isArray(node.allOf))
      node.allOf.forEach((item, index) =>
        visit({ node: item, loc: childLoc(resolved.loc, 'allOf', index) }, depth + 1),
      );
    if (isObject(node.properties)) {
      for (const [wire, schema] of Object.entries(node.properties))
        merged.properties.set(wire, {
          node: schema,
          loc: childLoc(resolved.loc, 'properties', wire),
        });
    }
    if (Array.isArray(node.required))
      for (const name of node.required) if (typeof name === 'string') merged.required.add(name);
    visiting.delete(key);
  };
  visit(located, 0);
  return merged;
}

/**
 * GraphQL names for wire property names. Valid names are kept as they are
 * (`created_at` stays `created_at`); the others (`first-name`, `@type`,
 * `$id`) are camelCased, and lose to a valid name they would collide with.
 */
export function fieldNames(wireNames: readonly string[]): Map<string, string> {
  const allocator = createNameAllocator();
  const names = new Map<string, string>();
  for (const wire of wireNames)
    if (isValidGraphQLName(wire)) names.set(wire, allocator.claim(wire));
  for (const wire of wireNames)
    if (!names.has(wire)) names.set(wire, allocator.claim(toFieldName(wire)));
  return names;
}

/** readOnly properties are not sent, writeOnly ones are not answered. */
export function skippedIn(docs: DocumentSet, property: Located, mode: 'input' | 'output'): boolean {
  const flag = mode === 'input' ? 'readOnly' : 'writeOnly';
  if (isObject(property.node) && property.node[flag] === true) return true;
  const resolved = deref(docs, property);
  return resolved.ok && isObject(resolved.node) && resolved.node[flag] === true;
}

/** Keywords that say something about a value without constraining its shape. */
const ANNOTATIONS = new Set([
  'nullable',
  'x-nullable',
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/**
 * An inline `allOf` part that only annotates, such as `{ nullable: true }`:
 * contracts write `allOf: [{ $ref: X }, { nullable: true }]` to make a
 * reference nullable, since OpenAPI 3.0 ignores keywords beside a `$ref`.
 */
export function isAnnotationOnly(node: unknown): node is Record<string, unknown> {
  return (
    isObject(node) &&
    Object.keys(node).length > 0 &&
    Object.keys(node).every((key) => ANNOTATIONS.has(key) || key.startsWith('x-'))
  );
}

/** The inline `allOf` parts of `node` that only annotate it. */
export function annotationParts(node: unknown): Array<Record<string, unknown>> {
  return isObject(node) && Array.isArray(node.allOf) ? node.allOf.filter(isAnnotationOnly) : [];
}

export function describe(docs: DocumentSet, property: Located): string | undefined {
  if (isObject(property.node) && typeof property.node.description === 'string')
    return property.node.description;
  const annotated = annotationParts(property.node).find(
    (part) => typeof part.description === 'string',
  );
  if (annotated !== undefined) return annotated.description as string;
  const resolved = deref(docs, property);
  return resolved.ok && isObject(resolved.node) && typeof resolved.node.description === 'string'
    ? resolved.node.description
    : undefined;
}
