/**
 * Checks every binding of the unified schema against the sources' subgraphs.
 *
 * The walk starts at the root fields' @fetch answers and follows the source
 * values down: a field read by name, @from or @fetch hands its source type
 * to the unified type below it. So each unified object type is checked
 * against every source type that can feed it (Product is fed by the
 * storefront's Product through several fetches), and a type fed by nothing
 * is reported as a warning. Bindings are read once (bindings.ts); this file
 * only judges them.
 */
import {
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  getNamedType,
  getNullableType,
  type ASTNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import type { ArgTemplate, FetchBinding, FieldBinding } from './bindings.js';
import { entityKey, enumSourceValues } from './bindings.js';
import { ownerFieldOf } from './ownership.js';
import { issueAt, suggest, type CompositionIssue, type CompositionIssueCode } from './issues.js';
import { describeRef, refOf, resolvePath, shapeOf, type SourceRef } from './source-types.js';
import { checkWrite } from './write-check.js';

/** Source scalar → the unified scalars it may become. Enums may always become String. */
const SCALAR_COMPATIBLE: Readonly<Record<string, readonly string[]>> = {
  ID: ['ID', 'String'],
  String: ['String', 'ID', 'DateTime', 'Date', 'Decimal', 'Duration'],
  Int: ['Int', 'Float', 'ID', 'String', 'BigInt', 'Decimal'],
  Float: ['Float', 'String'],
  Boolean: ['Boolean', 'String'],
  // Past 2^31 an Int would fail to serialise: BigInt becomes only types that hold any size.
  BigInt: ['BigInt', 'ID', 'String', 'Decimal'],
  Decimal: ['Decimal', 'String'],
  DateTime: ['DateTime', 'String'],
  Date: ['Date', 'String'],
  Duration: ['Duration', 'String'],
  JSON: ['JSON'],
  Base64: ['Base64', 'String'],
};

const ROOT_KINDS = { Query: 'query', Mutation: 'mutation', Subscription: 'subscription' } as const;

export interface CheckInput {
  readonly unified: GraphQLSchema;
  readonly sources: ReadonlyMap<string, { readonly schema: GraphQLSchema }>;
  /** "Type.field" → its bindings. */
  readonly bindings: ReadonlyMap<string, FieldBinding>;
}

export function checkBindings(input: CheckInput): {
  errors: CompositionIssue[];
  warnings: CompositionIssue[];
} {
  const errors: CompositionIssue[] = [];
  const warnings: CompositionIssue[] = [];
  const { unified, sources, bindings } = input;
  const report = (
    node: ASTNode | null | undefined,
    code: CompositionIssueCode,
    message: string,
    fix?: string,
    offset?: number,
  ): void => {
    errors.push(issueAt(node, code, message, fix, offset));
  };
  const fed = new Set<string>();
  const structural = new Set<string>();
  const seen = new Set<string>();
  const queue: Array<{ type: GraphQLObjectType; ref: SourceRef }> = [];

  const feed = (type: GraphQLNamedType, ref: SourceRef): void => {
    if (!isObjectType(type)) return;
    const key = `${type.name}|${ref.source}.${ref.type.name}|${ref.list}`;
    fed.add(type.name);
    if (seen.has(key)) return;
    seen.add(key);
    queue.push({ type, ref });
  };

  /** Can a value described by `ref` become a value of `target`? Feeds object types on success. */
  const compatible = (
    ref: SourceRef,
    target: GraphQLType,
    label: string,
    reads: string,
    node: ASTNode | null | undefined,
  ): void => {
    const shape = shapeOf(target);
    const what = `${label} reads ${reads}, ${describeRef(ref)}${ref.nullable ? ' (nullable)' : ''}`;
    if (ref.list && !shape.list && !isObjectType(shape.named)) {
      return report(
        node,
        'BINDING_TYPE_MISMATCH',
        `${what}, but ${label} is a single ${shape.named.name}.`,
        `make ${label} a list, or read one element's field.`,
      );
    }
    if (!ref.list && shape.list) {
      return report(
        node,
        'BINDING_TYPE_MISMATCH',
        `${what}, but ${label} is a list.`,
        `make ${label} a single ${shape.named.name}, or read a list.`,
      );
    }
    // Nullability problems are reported and the walk goes on, so the types below are still checked.
    if (ref.nullable && !shape.nullable) {
      report(
        node,
        'BINDING_NULLABILITY',
        `${what}, but ${label} is non-null: a null from the source would fail the whole parent.`,
        `make ${label} nullable (drop the "!").`,
      );
    } else if (ref.list && shape.list && ref.itemNullable && !shape.itemNullable) {
      report(
        node,
        'BINDING_NULLABILITY',
        `${what} whose elements may be null, but ${label}'s elements are non-null.`,
        `make the elements of ${label} nullable.`,
      );
    }
    const source = ref.type;
    const named = shape.named;
    if (isObjectType(named)) {
      if (isLeafType(source))
        return report(
          node,
          'BINDING_TYPE_MISMATCH',
          `${what}, a scalar, but ${label} is the object type ${named.name}.`,
          `bind ${label} to a field of object type, or make it a scalar.`,
        );
      // A single object fed by a list aggregates it (StockLevel over warehouse rows); a list of objects maps element-wise.
      return feed(
        named,
        ref.list && shape.list ? { ...ref, list: false, nullable: ref.itemNullable } : ref,
      );
    }
    if (isEnumType(named)) {
      if (isEnumType(source)) {
        const mapped = new Set(
          named
            .getValues()
            .flatMap((value) => [value.name, ...enumSourceValues(value.astNode?.directives)]),
        );
        const unmapped = source
          .getValues()
          .map((value) => value.name)
          .filter((value) => !mapped.has(value));
        if (unmapped.length > 0) {
          report(
            named.astNode ?? node,
            'BINDING_ENUM_UNMAPPED',
            `${label} reads ${ref.source}'s enum ${source.name}, whose value(s) ${unmapped.map((value) => `"${value}"`).join(', ')} no value of ${named.name} maps.`,
            `add @enumFrom(values: [${unmapped.map((value) => `"${value}"`).join(', ')}]) to the ${named.name} value(s) they stand for.`,
          );
        }
        return;
      }
      if (source.name === 'String') return; // checked per value at run time
      return report(
        node,
        'BINDING_TYPE_MISMATCH',
        `${what}, but ${label} is the enum ${named.name}.`,
        `read a ${ref.source} enum or String field.`,
      );
    }
    if (!isLeafType(source))
      return report(
        node,
        'BINDING_TYPE_MISMATCH',
        `${what}, an object, but ${label} is the scalar ${named.name}.`,
        `read one of its fields with @from(path: "...").`,
      );
    const allowed = isEnumType(source)
      ? ['String']
      : (SCALAR_COMPATIBLE[source.name] ?? [source.name]);
    if (!allowed.includes(named.name)) {
      report(
        node,
        'BINDING_TYPE_MISMATCH',
        `${what}, but ${label} is ${named.name}: a ${source.name} cannot become a ${named.name}.`,
        `change ${label}'s type to one of ${allowed.join(', ')}, or read another field.`,
      );
    }
  };

  /** A path read on `ref`; reports the first missing segment. */
  const read = (
    ref: SourceRef,
    path: readonly string[],
    label: string,
    text: string,
    node: ASTNode | null | undefined,
    fixHint: string,
  ): SourceRef | undefined => {
    const result = resolvePath(ref, path);
    if (result.ok) return result.ref;
    report(
      node,
      'BINDING_UNKNOWN_FIELD',
      `${label} reads "${text}", but ${describeRef(result.on)} has no field "${result.missing}".`,
      result.known.length > 0
        ? `${suggest(result.missing, result.known, `fields of ${result.on.type.name}`).replace(/\.$/, '')}; ${fixHint}`
        : fixHint,
    );
    return undefined;
  };

  const refsOf = (
    template: ArgTemplate,
    root: 'parent' | 'caller',
    out: Array<{ path: readonly string[]; node: ASTNode }>,
  ): void => {
    if (template.kind === 'ref' && template.root === root)
      out.push({ path: template.path, node: template.node });
    else if (template.kind === 'object')
      for (const { template: inner } of template.fields.values()) refsOf(inner, root, out);
    else if (template.kind === 'list') for (const inner of template.items) refsOf(inner, root, out);
  };
  const parentRefs = (
    template: ArgTemplate,
    out: Array<{ path: readonly string[]; node: ASTNode }>,
  ): void => refsOf(template, 'parent', out);

  /** The operation a @fetch names, or undefined after reporting why not. */
  const operationOf = (
    fetch: FetchBinding,
    rootKind: 'query' | 'mutation' | 'subscription',
    label: string,
  ): { field: GraphQLField<unknown, unknown> } | undefined => {
    const entry = sources.get(fetch.source);
    if (entry === undefined) {
      report(
        fetch.node,
        'BINDING_UNKNOWN_SOURCE',
        `${label} fetches from "${fetch.source}", which is not a configured source.`,
        suggest(fetch.source, [...sources.keys()], 'sources'),
      );
      return undefined;
    }
    const roots = {
      query: entry.schema.getQueryType(),
      mutation: entry.schema.getMutationType(),
      subscription: entry.schema.getSubscriptionType(),
    };
    const field = roots[rootKind]?.getFields()[fetch.operation];
    if (field !== undefined) return { field };
    const elsewhere = (Object.keys(roots) as Array<keyof typeof roots>).find(
      (kind) => roots[kind]?.getFields()[fetch.operation] !== undefined,
    );
    if (elsewhere !== undefined) {
      report(
        fetch.node,
        'BINDING_WRONG_ROOT',
        `${label} is a ${rootKind} field, but ${fetch.source}.${fetch.operation} is a ${elsewhere}.`,
        `bind ${fetch.source}.${fetch.operation} from a field of ${elsewhere === 'query' ? 'a query type' : elsewhere === 'mutation' ? 'Mutation' : 'Subscription'}, or use a ${rootKind} operation.`,
      );
      return undefined;
    }
    const known = Object.keys(roots[rootKind]?.getFields() ?? {});
    report(
      fetch.node,
      'BINDING_UNKNOWN_OPERATION',
      `${label} calls ${fetch.source}.${fetch.operation}, which ${fetch.source} does not have as a ${rootKind}.`,
      suggest(fetch.operation, known, `${fetch.source} ${rootKind} operations`),
    );
    return undefined;
  };

  /** Checks an args template against an input type: unknown names, missing required fields, list into single. */
  const checkTemplate = (
    template: ArgTemplate,
    type: GraphQLInputType,
    label: string,
    field: GraphQLField<unknown, unknown>,
  ): void => {
    const nullable = getNullableType(type);
    if (template.kind === 'ref' && template.root === 'args') {
      const [name, ...rest] = template.path;
      const arg = field.args.find((candidate) => candidate.name === name);
      if (arg === undefined) {
        return report(
          template.node,
          'BINDING_BAD_REFERENCE',
          `${label} passes "$args.${template.path.join('.')}", but the field has no argument "${name}".`,
          field.args.length > 0
            ? suggest(
                name ?? '',
                field.args.map((candidate) => candidate.name),
                'arguments',
              )
            : `declare the argument on ${label}.`,
        );
      }
      let current: GraphQLType = arg.type;
      for (const segment of rest) {
        const named: GraphQLNamedType = getNamedType(current);
        const inner: { type: GraphQLInputType } | undefined = isInputObjectType(named)
          ? named.getFields()[segment]
          : undefined;
        if (inner === undefined)
          return report(
            template.node,
            'BINDING_BAD_REFERENCE',
            `${label} passes "$args.${template.path.join('.')}", but ${named.name} has no field "${segment}".`,
            isInputObjectType(named)
              ? suggest(segment, Object.keys(named.getFields()), 'fields')
              : 'stop the path at a leaf.',
          );
        current = inner.type;
      }
      const from = shapeOf(current);
      if (from.list && !isListType(nullable))
        report(
          template.node,
          'BINDING_TYPE_MISMATCH',
          `${label} passes the list "$args.${template.path.join('.')}" where a single ${getNamedType(type).name} is expected.`,
          'pass one value.',
        );
      return;
    }
    if (template.kind === 'object') {
      const named = getNamedType(type);
      if (!isInputObjectType(named) || isListType(nullable))
        return report(
          template.node,
          'BINDING_TYPE_MISMATCH',
          `${label} passes an object where ${String(type)} is expected.`,
          "pass a value of the argument's type.",
        );
      const fields = named.getFields();
      for (const [name, { template: inner, node }] of template.fields) {
        const target = fields[name];
        if (target === undefined)
          report(
            node,
            'BINDING_UNKNOWN_ARGUMENT',
            `${label} passes "${name}", which ${named.name} does not have.`,
            suggest(name, Object.keys(fields), `fields of ${named.name}`),
          );
        else checkTemplate(inner, target.type, label, field);
      }
      for (const target of Object.values(fields)) {
        if (
          isNonNullType(target.type) &&
          target.defaultValue === undefined &&
          !template.fields.has(target.name)
        ) {
          report(
            template.node,
            'BINDING_MISSING_ARGUMENT',
            `${label} leaves ${named.name}.${target.name} unbound, which is required.`,
            `add ${target.name}: "$args.${target.name}" (or a literal).`,
          );
        }
      }
      return;
    }
    if (template.kind === 'each') {
      if (!isListType(nullable))
        return report(
          template.node,
          'BINDING_TYPE_MISMATCH',
          `${label} passes a list (_each) where a single ${getNamedType(type).name} is expected.`,
          'pass one value.',
        );
      checkTemplate(template.item, nullable.ofType, label, field);
      return;
    }
    if (template.kind === 'list') {
      const item = isListType(nullable) ? nullable.ofType : type;
      for (const inner of template.items) checkTemplate(inner, item, label, field);
    }
  };

  /** Source-independent checks of a @fetch; returns its answer after `path`, or undefined. */
  const checkFetch = (
    fetch: FetchBinding,
    rootKind: 'query' | 'mutation' | 'subscription',
    owner: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
  ): SourceRef | undefined => {
    const label = `${owner.name}.${field.name}`;
    const found = operationOf(fetch, rootKind, label);
    if (found === undefined) return undefined;
    const operation = found.field;
    // Of the caller, a @fetch may read only the partner: it scopes a list to the caller's own data (@ownedBy).
    const callerRefs: Array<{ path: readonly string[]; node: ASTNode }> = [];
    for (const { template } of fetch.args.values()) refsOf(template, 'caller', callerRefs);
    for (const ref of callerRefs)
      if (ref.path.length !== 1 || ref.path[0] !== 'partner')
        report(
          ref.node,
          'BINDING_BAD_REFERENCE',
          `${label} passes "$caller.${ref.path.join('.')}", but a @fetch may read only "$caller.partner".`,
          'pass "$caller.partner", or an argument of the field.',
        );
    for (const [name, { template, node }] of fetch.args) {
      const arg = operation.args.find((candidate) => candidate.name === name);
      if (arg === undefined) {
        report(
          node,
          'BINDING_UNKNOWN_ARGUMENT',
          `${label} passes "${name}" to ${fetch.source}.${fetch.operation}, which has no such argument.`,
          suggest(
            name,
            operation.args.map((candidate) => candidate.name),
            'arguments',
          ),
        );
      } else {
        checkTemplate(template, arg.type, label, field);
      }
    }
    for (const arg of operation.args) {
      if (isNonNullType(arg.type) && arg.defaultValue === undefined && !fetch.args.has(arg.name)) {
        report(
          fetch.node,
          'BINDING_MISSING_ARGUMENT',
          `${label} calls ${fetch.source}.${fetch.operation} without its required argument "${arg.name}".`,
          `add ${arg.name}: "$args.${arg.name}" or "$parent.${arg.name}" to args.`,
        );
      }
    }
    return read(
      refOf(fetch.source, operation.type),
      fetch.path,
      label,
      fetch.path.join('.') || '$',
      fetch.node,
      'fix @fetch(path:).',
    );
  };

  /** Hands a fetch answer to the field's type (through @connection when there is one). */
  const settle = (
    answer: SourceRef,
    binding: FieldBinding,
    owner: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
  ): void => {
    const label = `${owner.name}.${field.name}`;
    const connection = binding.connection;
    if (connection === undefined)
      return compatible(
        answer,
        field.type,
        label,
        `the answer of ${binding.fetch?.source}.${binding.fetch?.operation}`,
        binding.fetch?.node,
      );
    const items = read(
      { ...answer, nullable: false },
      connection.items,
      label,
      connection.items.join('.'),
      connection.node,
      'fix @connection(items:).',
    );
    read(
      { ...answer, nullable: false },
      connection.nextCursor,
      label,
      connection.nextCursor.join('.'),
      connection.node,
      'fix @connection(nextCursor:).',
    );
    const connectionType = getNamedType(field.type);
    const edges = isObjectType(connectionType) ? connectionType.getFields().edges : undefined;
    const edgeType = edges === undefined ? undefined : getNamedType(edges.type);
    const node = isObjectType(edgeType) ? edgeType.getFields().node : undefined;
    const pageInfo = isObjectType(connectionType) ? connectionType.getFields().pageInfo : undefined;
    if (node === undefined || edgeType === undefined || pageInfo === undefined) {
      return report(
        connection.node,
        'BINDING_TYPE_MISMATCH',
        `${label} has @connection, but ${connectionType.name} is not a connection type (edges { cursor node } and pageInfo).`,
        'give the type edges: [Edge!]! (with cursor and node) and pageInfo: PageInfo!.',
      );
    }
    structural.add(connectionType.name).add(edgeType.name).add(getNamedType(pageInfo.type).name);
    if (items === undefined) return;
    if (!items.list)
      return report(
        connection.node,
        'BINDING_TYPE_MISMATCH',
        `${label}'s @connection(items: "${connection.items.join('.')}") reads ${describeRef(items)}, not a list.`,
        'point items at the list of the page.',
      );
    compatible(
      { ...items, list: false, nullable: items.itemNullable },
      node.type,
      `${edgeType.name}.node`,
      `an element of "${connection.items.join('.')}"`,
      connection.node,
    );
  };

  const rootFetches = new Map<string, SourceRef | undefined>();
  // Source-independent checks of every field binding, once.
  for (const type of Object.values(unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const rootKind = ROOT_KINDS[type.name as keyof typeof ROOT_KINDS] as
      'query' | 'mutation' | 'subscription' | undefined;
    const isRoot =
      rootKind !== undefined &&
      [unified.getQueryType(), unified.getMutationType(), unified.getSubscriptionType()].includes(
        type,
      );
    for (const field of Object.values(type.getFields())) {
      const binding = bindings.get(`${type.name}.${field.name}`) ?? {};
      const label = `${type.name}.${field.name}`;
      const kinds = (['fetch', 'from', 'compute'] as const).filter(
        (kind) => binding[kind] !== undefined,
      );
      if (kinds.length > 1)
        report(
          field.astNode,
          'BINDING_CONFLICT',
          `${label} has ${kinds.map((kind) => `@${kind}`).join(' and ')}; a field takes its value one way.`,
          'keep one of them.',
        );
      if (binding.connection !== undefined && binding.fetch === undefined)
        report(
          binding.connection.node,
          'BINDING_CONFLICT',
          `${label} has @connection without @fetch.`,
          'add the @fetch whose answer is the page.',
        );
      if (binding.write !== undefined) {
        if (type !== unified.getMutationType()) {
          report(
            binding.write.steps[0]?.node ?? binding.write.answer?.node,
            'BINDING_WRONG_ROOT',
            `${label} has @step or @answer, which only a Mutation field may have.`,
            'move the write to a field of Mutation.',
          );
          continue;
        }
        if (binding.fetch !== undefined)
          report(
            binding.fetch.node,
            'BINDING_CONFLICT',
            `${label} has both @fetch and @step; a write takes its steps from @step.`,
            'turn the @fetch into the first @step.',
          );
        if (binding.write.steps.length === 0) {
          report(
            binding.write.answer?.node,
            'BINDING_WRITE_ANSWER',
            `${label} has @answer but no @step.`,
            'declare the steps with @step.',
          );
          continue;
        }
        const answer = checkWrite({
          unified,
          sources,
          field,
          label,
          write: binding.write,
          ...(binding.invalidates === undefined ? {} : { invalidates: binding.invalidates }),
          errors,
          checkTemplate: (template, argType) => checkTemplate(template, argType, label, field),
        });
        if (answer !== undefined)
          compatible(answer.ref, field.type, label, answer.reads, answer.node);
        continue;
      }
      if (isRoot && binding.fetch === undefined) {
        report(
          field.astNode,
          'BINDING_UNBOUND_ROOT_FIELD',
          `${label} is a root field without @fetch, so nothing can answer it.`,
          'add @fetch(source: ..., operation: ..., args: ...).',
        );
        continue;
      }
      if (binding.fetch === undefined) continue;
      const answer = checkFetch(
        binding.fetch,
        isRoot ? (rootKind as 'query' | 'mutation' | 'subscription') : 'query',
        type,
        field,
      );
      if (isRoot) {
        if (answer !== undefined) settle(answer, binding, type, field);
        // Root fields have no parent source value.
        const refs: Array<{ path: readonly string[]; node: ASTNode }> = [];
        for (const { template } of binding.fetch.args.values()) parentRefs(template, refs);
        for (const ref of refs)
          report(
            ref.node,
            'BINDING_BAD_REFERENCE',
            `${label} is a root field, so it has no $parent to read "${ref.path.join('.')}" from.`,
            'use "$args.<name>".',
          );
      } else {
        rootFetches.set(label, answer);
      }
    }
  }

  // The walk: each unified object type against each source type that feeds it.
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { type, ref } = next;
    const entity = entityKey(type.astNode?.directives);
    if (entity !== undefined) {
      const result = resolvePath(ref, [entity.key]);
      if (!result.ok)
        report(
          entity.node,
          'BINDING_ENTITY_KEY',
          `${type.name} is an entity keyed by "${entity.key}", but ${describeRef(ref)}, which feeds it, has no field "${entity.key}".`,
          `bind ${type.name} only to source types that carry "${entity.key}", or change the key.`,
        );
    }
    const owner = ownerFieldOf(type.astNode?.directives);
    if (owner !== undefined) {
      // The owner is compared with the caller's partner, a string: every source value feeding the type must carry it.
      const result = resolvePath(ref, owner.path);
      if (!result.ok || (result.ref.list && !ref.list) || !isLeafType(result.ref.type))
        report(
          owner.node,
          'BINDING_OWNER_FIELD',
          `${type.name} is owned by "${owner.path.join('.')}", but ${describeRef(ref)}, which feeds it, has no single value there.`,
          `name a field of ${describeRef(ref)} that holds the owning partner's id, or bind ${type.name} only to source types that carry it.`,
        );
    }
    for (const field of Object.values(type.getFields())) {
      const binding = bindings.get(`${type.name}.${field.name}`) ?? {};
      if (binding.broken === true) continue; // its own text is wrong, already reported
      const label = `${type.name}.${field.name}`;
      const fixHint = `bind ${label} with @from(path: "...") to a field that exists, @compute, or @fetch.`;
      if (binding.fetch !== undefined) {
        const refs: Array<{ path: readonly string[]; node: ASTNode }> = [];
        for (const { template } of binding.fetch.args.values()) parentRefs(template, refs);
        for (const parentRef of refs)
          read(
            ref,
            parentRef.path,
            label,
            `$parent.${parentRef.path.join('.')}`,
            parentRef.node,
            "pass a field the parent's source value has.",
          );
        const answer = rootFetches.get(label);
        if (answer !== undefined) settle(answer, binding, type, field);
      } else if (binding.compute !== undefined) {
        for (const path of binding.compute.expression.paths)
          read(
            ref,
            path,
            label,
            path.join('.'),
            binding.compute.node,
            "fix the expression's paths.",
          );
      } else if (binding.from !== undefined) {
        const text = binding.from.path.join('.') || '$';
        const value = read(ref, binding.from.path, label, text, binding.from.node, fixHint);
        if (value !== undefined)
          compatible(value, field.type, label, `"${text}"`, binding.from.node);
      } else {
        const value = read(ref, [field.name], label, field.name, field.astNode, fixHint);
        if (value !== undefined)
          compatible(value, field.type, label, `"${field.name}"`, field.astNode);
      }
    }
  }

  for (const type of Object.values(unified.getTypeMap())) {
    if (
      !isObjectType(type) ||
      type.name.startsWith('__') ||
      fed.has(type.name) ||
      structural.has(type.name)
    )
      continue;
    if (
      [unified.getQueryType(), unified.getMutationType(), unified.getSubscriptionType()].includes(
        type,
      )
    )
      continue;
    warnings.push(
      issueAt(
        type.astNode,
        'TYPE_NOT_FED',
        `No binding feeds ${type.name}, so its fields are never checked and always null.`,
        `return ${type.name} from a field bound with @fetch or read from a source value, or remove it.`,
      ),
    );
  }
  return { errors, warnings };
}
