/**
 * JSON Schema → GraphQL shapes. Lazy: only schemas an operation reaches are
 * converted. A schema reached through a `$ref` becomes one named type, which
 * is what breaks cycles: the shape is cached before its fields are built,
 * and fields are built from a queue (`flush`) rather than by recursion, so
 * long chains of named types cannot overflow the stack. Inline nesting is
 * capped at MAX_INLINE_DEPTH and falls back to JSON with a warning.
 */
import {
  createNameAllocator,
  RESERVED_TYPE_NAMES,
  toTypeName,
  type SourceWarning,
} from '../common/index.js';
import {
  deref,
  isObject,
  locKey,
  showLoc,
  childLoc,
  type DocumentSet,
  type Loc,
  type Located,
} from './refs.js';
import {
  JSON_SCALAR,
  scalar,
  type NamedShape,
  type ObjectShape,
  type Shape,
  type TypeRef,
} from './shapes.js';
import {
  annotationParts,
  collectObject,
  describe,
  fieldNames,
  isAnnotationOnly,
  skippedIn,
  type MergedObject,
} from './types-object.js';
import { enumValues, isNullOnly, primitiveScalar } from './types-scalar.js';
import { buildUnion } from './types-union.js';
import { contractConstraint } from './types-constraint.js';

export type Mode = 'input' | 'output';

/** Inline schemas nested deeper than this become JSON. */
export const MAX_INLINE_DEPTH = 32;

/** Pointer parents whose children are named schemas (`#/components/schemas/Pet`). */
const NAMING_PARENTS = new Set(['schemas', 'definitions', '$defs']);

export interface TypeBuilder {
  /** The GraphQL type of the schema at `located`; `context` names inline types (e.g. "GetPetResponse"). */
  convert(located: Located | undefined, mode: Mode, context: string, depth?: number): TypeRef;
  /** Builds the fields of every object type created so far, and of those they reach. */
  flush(): void;
  /** Every enum, object and union created, in creation order. */
  readonly shapes: readonly NamedShape[];
  /** Claims a type name in the subgraph's one namespace. */
  claimTypeName(base: string): string;
}

interface Pending {
  readonly shape: ObjectShape;
  readonly merged: MergedObject;
  readonly mode: Mode;
  readonly context: string;
  readonly depth: number;
  readonly loc: Loc;
}

export function createTypeBuilder(
  docs: DocumentSet,
  warn: (warning: SourceWarning) => void,
): TypeBuilder {
  const typeNames = createNameAllocator(RESERVED_TYPE_NAMES);
  const shapes: NamedShape[] = [];
  const cache = new Map<string, NamedShape>();
  const inProgress = new Set<string>();
  const queue: Pending[] = [];
  const componentNames = preclaimComponentNames(docs, typeNames);
  const json = (nullable = true): TypeRef => ({ shape: JSON_SCALAR, nonNull: !nullable });

  /** The schema's own name when it is a named component, else the context's. */
  const handedOut = new Set<string>();
  const baseName = (named: Loc | undefined, context: string): string => {
    if (named === undefined) return context;
    const preclaimed = componentNames.get(locKey(named));
    if (preclaimed !== undefined) return preclaimed;
    const segments = named.pointer.split('/');
    const last = segments[segments.length - 1] ?? '';
    const parent = segments[segments.length - 2];
    if (named.pointer === '')
      return toTypeName((named.file.split(/[\\/]/).pop() ?? '').replace(/\.(ya?ml|json)$/i, ''));
    // `#/components/schemas/Pet`, or `pet.yaml#/Pet` in a file that is a bag of schemas.
    if ((parent !== undefined && NAMING_PARENTS.has(parent)) || segments.length === 2)
      return toTypeName(decodeSegment(last));
    return context;
  };

  const register = <T extends NamedShape>(key: string, shape: T): T => {
    cache.set(key, shape);
    shapes.push(shape);
    return shape;
  };

  const convert = (
    located: Located | undefined,
    mode: Mode,
    context: string,
    depth = 0,
  ): TypeRef => {
    if (located === undefined) return json();
    if (depth > MAX_INLINE_DEPTH) {
      warn({
        path: showLoc(located.loc, docs),
        message: `Schema nests deeper than ${MAX_INLINE_DEPTH} levels; mapped to JSON.`,
      });
      return json();
    }
    const resolved = deref(docs, located);
    if (!resolved.ok) {
      warn({ path: showLoc(resolved.loc, docs), message: `${resolved.reason}; mapped to JSON.` });
      return json();
    }
    const node = resolved.node;
    if (node === true || (isObject(node) && Object.keys(node).length === 0)) return json();
    if (!isObject(node)) {
      warn({
        path: showLoc(resolved.loc, docs),
        message: 'Schema is not an object; mapped to JSON.',
      });
      return json();
    }
    const key = `${mode}:${locKey(resolved.loc)}`;
    if (inProgress.has(key)) {
      warn({
        path: showLoc(resolved.loc, docs),
        message: 'Schema contains itself with no object type in between; mapped to JSON.',
      });
      return json();
    }
    const name = baseName(resolved.named, context);
    const preclaimed =
      resolved.named !== undefined && componentNames.get(locKey(resolved.named)) === name;
    // A component's own name was claimed up front; its first type takes it, later ones (inputs) get a suffix.
    const claim = (base: string): string => {
      if (preclaimed && base === name && !handedOut.has(name)) {
        handedOut.add(name);
        return name;
      }
      return typeNames.claim(base);
    };
    inProgress.add(key);
    try {
      // A named object starts a new nesting count: its fields are built from the queue, not by recursion.
      const ref = convertNode(
        { node, loc: resolved.loc },
        node,
        mode,
        name,
        key,
        depth,
        resolved.named !== undefined,
        claim,
      );
      if (isNullable(node)) ref.nonNull = false;
      if (mode === 'input') {
        const constraint = contractConstraint(node, ref);
        if (constraint !== undefined) ref.constraint = constraint;
      }
      return ref;
    } finally {
      inProgress.delete(key);
    }
  };

  const convertNode = (
    located: Located,
    node: Record<string, unknown>,
    mode: Mode,
    name: string,
    key: string,
    depth: number,
    named: boolean,
    claim: (base: string) => string,
  ): TypeRef => {
    const cached = cache.get(key) ?? cache.get(`enum:${locKey(located.loc)}`);
    if (cached !== undefined) return { shape: cached, nonNull: true };
    if (isNullOnly(node)) return json();
    const types = Array.isArray(node.type)
      ? node.type.filter((t) => t !== 'null')
      : typeof node.type === 'string'
        ? [node.type]
        : [];
    if (Array.isArray(node.allOf)) {
      // `allOf` of one schema (plus parts that only annotate) is that schema, unless keywords
      // beside it constrain it further: then it is merged as an object below (issue 16).
      const parts = node.allOf
        .map((part, index) => ({ node: part, loc: childLoc(located.loc, 'allOf', index) }))
        .filter((part) => !isAnnotationOnly(part.node));
      const constrained =
        isObject(node.properties) || (Array.isArray(node.required) && node.required.length > 0);
      if (parts.length === 1 && !constrained) return convert(parts[0], mode, name, depth + 1);
    }
    const options = Array.isArray(node.oneOf)
      ? node.oneOf
      : Array.isArray(node.anyOf)
        ? node.anyOf
        : undefined;
    if (options !== undefined && !Array.isArray(node.allOf)) {
      return buildUnion({
        docs,
        located,
        node,
        options,
        mode,
        name,
        key,
        depth,
        convert,
        warn,
        claim,
        register,
      });
    }
    if (Array.isArray(node.enum)) {
      const values = enumValues(node.enum);
      if (values === undefined || values.length === 0)
        return { shape: primitiveScalar(String(types[0]), node) ?? JSON_SCALAR, nonNull: true };
      const description = typeof node.description === 'string' ? node.description : undefined;
      return {
        shape: register(`enum:${locKey(located.loc)}`, {
          kind: 'enum',
          name: claim(name),
          values,
          description,
        }),
        nonNull: true,
      };
    }
    if (types.length > 1) return json(false);
    const type =
      types[0] ??
      (isObject(node.properties) || Array.isArray(node.allOf)
        ? 'object'
        : node.items !== undefined
          ? 'array'
          : undefined);
    if (type === 'array') {
      const items = convert(
        node.items === undefined
          ? undefined
          : { node: node.items, loc: childLoc(located.loc, 'items') },
        mode,
        `${name}Item`,
        depth + 1,
      );
      return { shape: { kind: 'list', of: items }, nonNull: true };
    }
    if (type === 'object') {
      const merged = collectObject(docs, located);
      // Free-form objects (`additionalProperties` only, or nothing at all) have no fields to name.
      if (merged.properties.size === 0) return json(false);
      const shape: ObjectShape = {
        kind: 'object',
        name: claim(mode === 'input' && !name.endsWith('Input') ? `${name}Input` : name),
        input: mode === 'input',
        fields: [],
        description: merged.description,
      };
      queue.push({
        shape: register(key, shape),
        merged,
        mode,
        context: name,
        depth: named ? 0 : depth,
        loc: located.loc,
      });
      return { shape, nonNull: true };
    }
    if (type !== undefined) {
      const primitive = primitiveScalar(type, node);
      if (primitive !== undefined) {
        if (primitive.name === 'Base64' && mode === 'input' && node.format === 'binary') {
          warn({
            path: showLoc(located.loc, docs),
            message: 'Binary uploads are sent as base64 text.',
          });
        }
        return { shape: primitive, nonNull: true };
      }
      if (type !== 'null')
        warn({
          path: showLoc(located.loc, docs),
          message: `Unknown type "${type}"; mapped to JSON.`,
        });
    }
    return json(false);
  };

  const fill = (pending: Pending): void => {
    const { shape, merged, mode } = pending;
    const entries = [...merged.properties].filter(
      ([, property]) => !skippedIn(docs, property, mode),
    );
    const names = fieldNames(entries.map(([wire]) => wire));
    for (const [wire, property] of entries) {
      const type = convert(
        property,
        mode,
        `${pending.context}${toTypeName(wire)}`,
        pending.depth + 1,
      );
      shape.fields.push({
        name: names.get(wire) as string,
        wireName: wire,
        type: {
          shape: type.shape,
          nonNull: type.nonNull && merged.required.has(wire),
          ...(type.constraint === undefined ? {} : { constraint: type.constraint }),
        },
        description: describe(docs, property),
      });
    }
    if (shape.fields.length === 0) {
      // GraphQL types need a field; this happens when every property is readOnly (input) or writeOnly (output).
      warn({
        path: showLoc(pending.loc, docs),
        message: `No ${mode === 'input' ? 'writable' : 'readable'} properties; "${shape.name}" has a placeholder field.`,
      });
      shape.fields.push({
        name: '_empty',
        wireName: '',
        type: { shape: scalar('Boolean'), nonNull: false },
      });
    }
  };

  return {
    convert,
    flush() {
      for (let pending = queue.shift(); pending !== undefined; pending = queue.shift())
        fill(pending);
      breakNonNullInputCycles(shapes);
    },
    shapes,
    claimTypeName: (base) => typeNames.claim(base),
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return segment;
  }
}

/** OpenAPI 3.0 `nullable` (beside an `allOf` or in one of its annotating parts), Swagger's `x-nullable`, 3.1 `type: [x, "null"]`, or `null` among enum values. */
export function isNullable(node: Record<string, unknown>): boolean {
  return (
    node.nullable === true ||
    annotationParts(node).some((part) => part.nullable === true || part['x-nullable'] === true) ||
    node['x-nullable'] === true ||
    (Array.isArray(node.type) && node.type.includes('null')) ||
    (Array.isArray(node.enum) && node.enum.includes(null))
  );
}

/**
 * Component schemas of the root document claim their names first, in
 * document order, so `Pet` is `Pet` even when an inline type named "Pet"
 * happens to be reached earlier.
 */
function preclaimComponentNames(
  docs: DocumentSet,
  allocator: ReturnType<typeof createNameAllocator>,
): Map<string, string> {
  const root = docs.files.get(docs.root);
  const names = new Map<string, string>();
  if (!isObject(root)) return names;
  const sets: Array<[unknown, string[]]> = [
    [isObject(root.components) ? root.components.schemas : undefined, ['components', 'schemas']],
    [root.definitions, ['definitions']],
  ];
  for (const [schemas, path] of sets) {
    if (!isObject(schemas)) continue;
    for (const name of Object.keys(schemas)) {
      names.set(
        locKey(childLoc({ file: docs.root, pointer: '' }, ...path, name)),
        allocator.claim(toTypeName(name)),
      );
    }
  }
  return names;
}

/**
 * GraphQL forbids an input object that contains itself through non-null
 * fields (no finite value could satisfy it). Such a field is made nullable.
 */
function breakNonNullInputCycles(shapes: readonly NamedShape[]): void {
  const state = new Map<ObjectShape, 'active' | 'done'>();
  const visit = (shape: ObjectShape): void => {
    state.set(shape, 'active');
    for (const field of shape.fields) {
      const target: Shape = field.type.shape;
      if (!field.type.nonNull || target.kind !== 'object') continue;
      const seen = state.get(target);
      if (seen === 'active') field.type.nonNull = false;
      else if (seen === undefined) visit(target);
    }
    state.set(shape, 'done');
  };
  for (const shape of shapes)
    if (shape.kind === 'object' && shape.input && !state.has(shape)) visit(shape);
}
