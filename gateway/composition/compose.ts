/**
 * composeSchema: the unified schema files plus the sources → an executable
 * schema with compiled resolvers and the SDL callers see, or every problem
 * found, each at its file, line and column. Pure: reads no file, calls no
 * backend, so start-up, `check` and tests share it.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  GraphQLError,
  Kind,
  Source as GraphQLSource,
  buildASTSchema,
  getLocation,
  isObjectType,
  parse,
  printSchema,
  validateSchema,
  visit,
  type DocumentNode,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { scalars, type Source } from '../../sources/common/index.js';
import { readAccessRules, type AccessRules } from './access.js';
import { readFieldBinding, type FieldBinding } from './bindings.js';
import { checkBindings } from './check.js';
import {
  BINDING_DIRECTIVES,
  bindingDirectivesDocument,
  isBindingDefinition,
} from './directives.js';
import {
  inheritContractConstraints,
  readConstraints,
  type InputConstraints,
} from './constraints.js';
import { applyEnumMappings } from './enums.js';
import { checkInvalidations } from './invalidates.js';
import type { CompositionIssue } from './issues.js';
import { guardOwnedFields, readOwnership } from './ownership.js';
import { compileResolvers } from './resolvers.js';
import { buildSourceSchemas } from './source-types.js';
import { compileWrite } from './write-compile.js';
import type { WriteDefinition } from '../writes/definition.js';
import { writeResolver } from '../writes/resolver.js';

export interface ComposeInput {
  /** The schema files, in order; `file` is how issues name them (e.g. "schema/commerce.graphql"). */
  readonly documents: ReadonlyArray<{ readonly file: string; readonly sdl: string }>;
  readonly sources: readonly Source[];
}

export type Composition =
  | {
      readonly ok: true;
      /** Executable: resolvers compiled, binding directives removed. */
      readonly schema: GraphQLSchema;
      /** What callers see: the SDL without binding directives, in document order. */
      readonly composedSdl: string;
      /** The `@constraint`s of arguments and input fields, by coordinate, for the gateway to enforce. */
      readonly constraints: InputConstraints;
      /** The `@requiresScopes` / `@authenticated` rules, by type or field coordinate, for the gateway to enforce. */
      readonly access: AccessRules;
      /** The write mutations (@step), compiled for the executor, by Mutation field name. */
      readonly writes: ReadonlyMap<string, WriteDefinition>;
      readonly warnings: readonly CompositionIssue[];
    }
  | {
      readonly ok: false;
      readonly errors: readonly CompositionIssue[];
      readonly warnings: readonly CompositionIssue[];
    };

function issueFromGraphQLError(error: GraphQLError, fallbackFile: string): CompositionIssue {
  const node = error.nodes?.[0];
  const location = error.locations?.[0];
  const file = node?.loc?.source.name ?? error.source?.name ?? fallbackFile;
  const at =
    location ?? (node?.loc ? getLocation(node.loc.source, node.loc.start) : { line: 1, column: 1 });
  return {
    code: 'SCHEMA_INVALID',
    message: error.message,
    file: node?.loc || error.source ? file : '<built-in directives>',
    line: at.line,
    column: at.column,
    fix: 'correct the SDL at this place (see the GraphQL spec, type system).',
  };
}

/** The documents without our directives: what callers see. */
function stripBindings(documents: readonly DocumentNode[]): DocumentNode {
  const names = new Set<string>(BINDING_DIRECTIVES);
  const definitions = documents.flatMap((document) =>
    document.definitions.filter((definition) => !isBindingDefinition(definition)),
  );
  return visit(
    { kind: Kind.DOCUMENT, definitions },
    { Directive: (node) => (names.has(node.name.value) ? null : undefined) },
  );
}

function byPlace(a: CompositionIssue, b: CompositionIssue): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.code.localeCompare(b.code)
  );
}

/**
 * Composes the unified schema. Never throws for a problem in the documents
 * or a binding: those come back as `{ ok: false, errors }` (codes in issues.ts).
 * @example
 * const composition = composeSchema({ documents: [{ file: 'schema/commerce.graphql', sdl }], sources });
 * if (!composition.ok) console.error(composition.errors.map(formatCompositionIssue).join('\n'));
 */
export function composeSchema(input: ComposeInput): Composition {
  const errors: CompositionIssue[] = [];
  const warnings: CompositionIssue[] = [];
  const parsed: DocumentNode[] = [];
  for (const { file, sdl } of input.documents) {
    try {
      parsed.push(parse(new GraphQLSource(sdl, file)));
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      errors.push(issueFromGraphQLError(error, file));
    }
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  const firstFile = input.documents[0]?.file ?? '<none>';
  // Files may declare the directives (for editors); ours are the ones that count.
  const definitions = [
    ...bindingDirectivesDocument().definitions,
    ...parsed.flatMap((document) =>
      document.definitions.filter((definition) => !isBindingDefinition(definition)),
    ),
  ];
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  errors.push(...validateSDL(document).map((error) => issueFromGraphQLError(error, firstFile)));
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPlace), warnings };
  const unified = buildASTSchema(document, { assumeValidSDL: true });
  errors.push(...validateSchema(unified).map((error) => issueFromGraphQLError(error, firstFile)));
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPlace), warnings };

  const bindings = new Map<string, FieldBinding>();
  for (const type of Object.values(unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode)
        bindings.set(`${type.name}.${field.name}`, readFieldBinding(field.astNode, errors));
    }
  }
  const sources = buildSourceSchemas(input.sources);
  const constraints = inheritContractConstraints({
    unified,
    bindings,
    sources,
    constraints: readConstraints(unified, errors),
  });
  const access = readAccessRules(unified, errors);
  const owned = readOwnership(unified, errors);
  const checked = checkBindings({ unified, sources, bindings });
  errors.push(...checked.errors);
  for (const type of Object.values(unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const binding = bindings.get(`${type.name}.${field.name}`);
      if (binding?.invalidates !== undefined)
        errors.push(
          ...checkInvalidations(
            unified,
            type,
            field,
            binding.invalidates,
            binding.fetch !== undefined || binding.write !== undefined,
            (binding.write?.steps.length ?? 0) > 0,
          ),
        );
    }
  }
  warnings.push(...checked.warnings);
  if (errors.length > 0)
    return { ok: false, errors: errors.sort(byPlace), warnings: warnings.sort(byPlace) };

  const stripped = stripBindings(parsed);
  const scalarResolvers: Record<string, GraphQLScalarType> = {};
  for (const definition of stripped.definitions) {
    if (definition.kind !== Kind.SCALAR_TYPE_DEFINITION) continue;
    const scalar = scalars.get(definition.name.value);
    if (scalar !== undefined) scalarResolvers[definition.name.value] = scalar;
  }
  const fieldResolvers = compileResolvers({ unified, sources, bindings });
  const writes = new Map<string, WriteDefinition>();
  const mutationType = unified.getMutationType();
  for (const field of Object.values(mutationType?.getFields() ?? {})) {
    const binding = bindings.get(`${mutationType?.name}.${field.name}`);
    if (
      mutationType === null ||
      mutationType === undefined ||
      binding?.write === undefined ||
      binding.write.steps.length === 0
    )
      continue;
    const definition = compileWrite({
      sources,
      field,
      write: binding.write,
      invalidates: binding.invalidates ?? [],
    });
    writes.set(field.name, definition);
    (fieldResolvers[mutationType.name] ??= {})[field.name] = writeResolver(definition);
  }
  // Last, so the owner check wraps every resolver of an owned type, writes' answers included.
  guardOwnedFields(
    unified,
    fieldResolvers,
    owned,
    (coordinate) => bindings.get(coordinate)?.fetch !== undefined,
  );
  const schema = makeExecutableSchema({
    typeDefs: stripped,
    resolvers: { ...scalarResolvers, ...fieldResolvers },
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  applyEnumMappings(schema, unified);
  // Printed from the SDL alone, so the artifact depends only on the schema files.
  const composedSdl = `${printSchema(buildASTSchema(stripped, { assumeValidSDL: true }))}\n`;
  return {
    ok: true,
    schema,
    composedSdl,
    constraints,
    access,
    writes,
    warnings: warnings.sort(byPlace),
  };
}
