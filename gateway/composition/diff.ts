/**
 * What changed for callers between two composed schemas: the committed
 * artifact (schema/commerce.composed.graphql) and a fresh composition.
 *
 * graphql-js's findBreakingChanges / findDangerousChanges decide what is
 * breaking and dangerous; they are the reference every GraphQL tool agrees
 * with, so we do not second-guess them. They say nothing about additions,
 * descriptions or deprecations, which `check` lists as safe so a reviewer
 * sees the whole change; that walk is ours because graphql-js has none and
 * the alternatives (graphql-inspector) pull in a large tree for a few loops.
 */
import {
  BreakingChangeType,
  buildSchema,
  DangerousChangeType,
  findBreakingChanges,
  findDangerousChanges,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** Changes that are ours, not graphql-js's; all of them are safe. */
export type SafeChangeType =
  | 'TYPE_ADDED'
  | 'FIELD_ADDED'
  | 'FIELD_TYPE_NARROWED'
  | 'INPUT_TYPE_WIDENED'
  | 'DESCRIPTION_CHANGED'
  | 'DEPRECATION_ADDED'
  | 'DEPRECATION_REMOVED'
  | 'DEPRECATION_REASON_CHANGED';

/** A breaking change graphql-js does not look for: a root operation type renamed or dropped. */
export type RootChangeType = 'ROOT_TYPE_CHANGED';

export type ChangeType =
  `${BreakingChangeType}` | `${DangerousChangeType}` | SafeChangeType | RootChangeType;

/** One difference a caller could notice. */
export interface Change {
  /** Stable code, e.g. FIELD_REMOVED, FIELD_CHANGED_KIND, VALUE_ADDED_TO_ENUM, FIELD_ADDED. */
  readonly type: ChangeType;
  /** One sentence, e.g. "Product.title was removed." */
  readonly description: string;
  /** The schema coordinate it is about, e.g. "Product.title", "Query.product(sku:)", "OrderStatus.PAID". */
  readonly path?: string;
}

export interface ComposedDiff {
  /** Operations that worked before may now fail: `check` exits 1. */
  readonly breaking: readonly Change[];
  /** Operations still validate but may behave differently (a new enum value a client does not handle). */
  readonly dangerous: readonly Change[];
  /** Additions and documentation: listed for the reviewer. */
  readonly safe: readonly Change[];
}

/** The composed SDL on one side could not be read; `side` says which. */
export class ComposedSdlError extends Error {
  readonly code = 'COMPOSED_SDL_INVALID';
  readonly side: 'previous' | 'next';
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(side: 'previous' | 'next', cause: unknown) {
    const location = cause instanceof GraphQLError ? cause.locations?.[0] : undefined;
    const reason =
      cause instanceof GraphQLError
        ? cause.message
        : cause instanceof Error
          ? cause.message
          : String(cause);
    super(
      `The ${side} composed schema is not valid SDL${location ? ` at ${location.line}:${location.column}` : ''}: ${reason.split('\n')[0] ?? ''}`,
      { cause },
    );
    this.side = side;
    this.line = location?.line;
    this.column = location?.column;
  }
}

/**
 * Compares two composed schemas (SDL text, no binding directives).
 * Every list is sorted by path, then type, so the output is stable.
 * @throws ComposedSdlError when either text is not a valid schema.
 */
export function diffComposed(previousSdl: string, nextSdl: string): ComposedDiff {
  const previous = build(previousSdl, 'previous');
  const next = build(nextSdl, 'next');
  const breaking: Change[] = findBreakingChanges(previous, next).map((change) =>
    withPath(change.type, change.description),
  );
  breaking.push(...rootChanges(previous, next));
  const dangerous = findDangerousChanges(previous, next).map((change) =>
    withPath(change.type, change.description),
  );
  const safe = safeChanges(previous, next, new Set(breaking.map((change) => change.path)));
  return { breaking: sorted(breaking), dangerous: sorted(dangerous), safe: sorted(safe) };
}

// Private: assumeValidSDL is off, so a hand-edited artifact with a dangling type is reported, not trusted.
function build(sdl: string, side: 'previous' | 'next'): GraphQLSchema {
  try {
    return buildSchema(sdl, { noLocation: true });
  } catch (cause) {
    throw new ComposedSdlError(side, cause);
  }
}

function sorted(changes: Change[]): Change[] {
  return changes.sort(
    (a, b) =>
      compare(a.path ?? '', b.path ?? '') ||
      compare(a.type, b.type) ||
      compare(a.description, b.description),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NAME = '([_A-Za-z][_0-9A-Za-z]*)';

/**
 * graphql-js gives each change a sentence but no coordinate. Its sentences
 * are fixed per change type in v16, so the coordinate is read back from them;
 * diff.test.ts pins every pattern, so an upgrade that rewords one fails there.
 */
const PATHS: ReadonlyArray<{
  types: readonly string[];
  pattern: RegExp;
  path: (m: RegExpExecArray) => string;
}> = [
  {
    types: ['TYPE_REMOVED'],
    pattern: new RegExp(`^(?:Standard scalar )?${NAME} was removed`),
    path: (m) => `${m[1]}`,
  },
  {
    types: ['TYPE_CHANGED_KIND'],
    pattern: new RegExp(`^${NAME} changed from`),
    path: (m) => `${m[1]}`,
  },
  {
    types: ['TYPE_REMOVED_FROM_UNION', 'TYPE_ADDED_TO_UNION'],
    pattern: new RegExp(`^${NAME} was (?:removed from|added to) union type ${NAME}`),
    path: (m) => `${m[2]}`,
  },
  {
    types: ['VALUE_REMOVED_FROM_ENUM', 'VALUE_ADDED_TO_ENUM'],
    pattern: new RegExp(`^${NAME} was (?:removed from|added to) enum type ${NAME}`),
    path: (m) => `${m[2]}.${m[1]}`,
  },
  {
    types: ['REQUIRED_INPUT_FIELD_ADDED', 'OPTIONAL_INPUT_FIELD_ADDED'],
    pattern: new RegExp(`^An? (?:required|optional) field ${NAME} on input type ${NAME}`),
    path: (m) => `${m[2]}.${m[1]}`,
  },
  {
    types: ['IMPLEMENTED_INTERFACE_REMOVED'],
    pattern: new RegExp(`^${NAME} no longer implements`),
    path: (m) => `${m[1]}`,
  },
  {
    types: ['IMPLEMENTED_INTERFACE_ADDED'],
    pattern: new RegExp(`added to interfaces implemented by ${NAME}`),
    path: (m) => `${m[1]}`,
  },
  {
    types: ['REQUIRED_ARG_ADDED', 'OPTIONAL_ARG_ADDED'],
    pattern: new RegExp(`^An? (?:required|optional) arg ${NAME} on ${NAME}\\.${NAME}`),
    path: (m) => `${m[2]}.${m[3]}(${m[1]}:)`,
  },
  {
    types: ['ARG_REMOVED', 'ARG_CHANGED_KIND', 'ARG_DEFAULT_VALUE_CHANGE'],
    pattern: new RegExp(`^${NAME}\\.${NAME} arg ${NAME} `),
    path: (m) => `${m[1]}.${m[2]}(${m[3]}:)`,
  },
  {
    types: ['FIELD_REMOVED', 'FIELD_CHANGED_KIND'],
    pattern: new RegExp(`^${NAME}\\.${NAME} `),
    path: (m) => `${m[1]}.${m[2]}`,
  },
  {
    types: ['DIRECTIVE_REMOVED'],
    pattern: new RegExp(`^${NAME} was removed\\.$`),
    path: (m) => `@${m[1]}`,
  },
  {
    types: ['DIRECTIVE_REPEATABLE_REMOVED', 'DIRECTIVE_LOCATION_REMOVED', 'DIRECTIVE_ARG_REMOVED'],
    pattern: new RegExp(`removed from ${NAME}\\.$`),
    path: (m) => `@${m[1]}`,
  },
  {
    types: ['REQUIRED_DIRECTIVE_ARG_ADDED'],
    pattern: new RegExp(`^A required arg ${NAME} on directive ${NAME}`),
    path: (m) => `@${m[2]}(${m[1]}:)`,
  },
];

function withPath(
  type: `${BreakingChangeType}` | `${DangerousChangeType}`,
  description: string,
): Change {
  for (const rule of PATHS) {
    if (!rule.types.includes(type)) continue;
    const match = rule.pattern.exec(description);
    if (match) return { type, description, path: rule.path(match) };
  }
  return { type, description };
}

function rootChanges(previous: GraphQLSchema, next: GraphQLSchema): Change[] {
  const roots = [
    ['query', previous.getQueryType(), next.getQueryType()],
    ['mutation', previous.getMutationType(), next.getMutationType()],
    ['subscription', previous.getSubscriptionType(), next.getSubscriptionType()],
  ] as const;
  const changes: Change[] = [];
  for (const [operation, before, after] of roots) {
    if (before === undefined || before === null || before.name === after?.name) continue;
    changes.push({
      type: 'ROOT_TYPE_CHANGED',
      description: after
        ? `The ${operation} root type changed from ${before.name} to ${after.name}.`
        : `The schema no longer has a ${operation} root type (was ${before.name}).`,
      path: before.name,
    });
  }
  return changes;
}

type Documented = {
  readonly description?: string | null | undefined;
  readonly deprecationReason?: string | null | undefined;
};

/**
 * Additions, narrowed types, descriptions and deprecations. `brokenPaths`
 * holds coordinates already reported as breaking, so a field that changed
 * kind is not also listed as "description changed".
 */
function safeChanges(
  previous: GraphQLSchema,
  next: GraphQLSchema,
  brokenPaths: ReadonlySet<string | undefined>,
): Change[] {
  const changes: Change[] = [];
  const note = (type: SafeChangeType, path: string, description: string): void => {
    if (!brokenPaths.has(path)) changes.push({ type, path, description });
  };
  const documentation = (path: string, before: Documented, after: Documented): void => {
    if ((before.description ?? '') !== (after.description ?? ''))
      note('DESCRIPTION_CHANGED', path, `The description of ${path} changed.`);
    const was = before.deprecationReason ?? undefined;
    const is = after.deprecationReason ?? undefined;
    if (was === undefined && is !== undefined)
      note('DEPRECATION_ADDED', path, `${path} was deprecated: ${is}`);
    else if (was !== undefined && is === undefined)
      note('DEPRECATION_REMOVED', path, `${path} is no longer deprecated.`);
    else if (was !== is)
      note('DEPRECATION_REASON_CHANGED', path, `The deprecation reason of ${path} changed.`);
  };
  if ((previous.description ?? '') !== (next.description ?? ''))
    note('DESCRIPTION_CHANGED', 'schema', 'The description of the schema changed.');

  const before = previous.getTypeMap();
  for (const [name, type] of Object.entries(next.getTypeMap())) {
    if (name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    const old = before[name];
    if (old === undefined) {
      note('TYPE_ADDED', name, `${name} was added.`);
      continue;
    }
    // A type that changed kind is already breaking; its members cannot be compared.
    if (old.constructor !== type.constructor) continue;
    documentation(name, old, type);
    compareMembers(old, type, note, documentation);
  }
  return changes;
}

function compareMembers(
  old: GraphQLNamedType,
  type: GraphQLNamedType,
  note: (type: SafeChangeType, path: string, description: string) => void,
  documentation: (path: string, before: Documented, after: Documented) => void,
): void {
  if (
    (isObjectType(old) || isInterfaceType(old)) &&
    (isObjectType(type) || isInterfaceType(type))
  ) {
    const oldFields = old.getFields();
    for (const field of Object.values(type.getFields())) {
      const path = `${type.name}.${field.name}`;
      const was = oldFields[field.name];
      if (was === undefined) {
        note('FIELD_ADDED', path, `${path} was added.`);
        continue;
      }
      documentation(path, was, field);
      // Output types may only gain non-null: graphql-js reports the other way round as breaking.
      if (String(was.type) !== String(field.type))
        note(
          'FIELD_TYPE_NARROWED',
          path,
          `${path} changed type from ${String(was.type)} to ${String(field.type)}.`,
        );
      compareArgs(path, was, field, note, documentation);
    }
  } else if (isInputObjectType(old) && isInputObjectType(type)) {
    const oldFields = old.getFields();
    for (const field of Object.values(type.getFields())) {
      const was: GraphQLInputField | undefined = oldFields[field.name];
      // Additions to inputs are graphql-js's (OPTIONAL_/REQUIRED_INPUT_FIELD_ADDED).
      if (was === undefined) continue;
      const path = `${type.name}.${field.name}`;
      documentation(path, was, field);
      if (String(was.type) !== String(field.type))
        note(
          'INPUT_TYPE_WIDENED',
          path,
          `${path} changed type from ${String(was.type)} to ${String(field.type)}.`,
        );
    }
  } else if (isEnumType(old) && isEnumType(type)) {
    for (const value of type.getValues()) {
      const was = old.getValue(value.name);
      if (was !== undefined && was !== null)
        documentation(`${type.name}.${value.name}`, was, value);
    }
  }
}

function compareArgs(
  fieldPath: string,
  was: GraphQLField<unknown, unknown>,
  field: GraphQLField<unknown, unknown>,
  note: (type: SafeChangeType, path: string, description: string) => void,
  documentation: (path: string, before: Documented, after: Documented) => void,
): void {
  for (const arg of field.args) {
    const old: GraphQLArgument | undefined = was.args.find(
      (candidate) => candidate.name === arg.name,
    );
    if (old === undefined) continue; // OPTIONAL_/REQUIRED_ARG_ADDED come from graphql-js.
    const path = `${fieldPath}(${arg.name}:)`;
    documentation(path, old, arg);
    // Arguments may only lose non-null: graphql-js reports the other way round as breaking.
    if (String(old.type) !== String(arg.type))
      note(
        'INPUT_TYPE_WIDENED',
        path,
        `${path} changed type from ${String(old.type)} to ${String(arg.type)}.`,
      );
  }
}
