/**
 * The binding directives, built in: a schema file may declare them (as
 * schema/directives.graphql does for editors) or not. A test keeps this text
 * and schema/directives.graphql equal.
 */
import { Kind, parse, type DocumentNode } from 'graphql';

/** Names of the binding directives; none of them reaches callers. */
export const BINDING_DIRECTIVES = Object.freeze([
  'fetch',
  'from',
  'compute',
  'connection',
  'entity',
  'enumFrom',
  'constraint',
  'invalidates',
  'requiresScopes',
  'authenticated',
  'step',
  'answer',
  'owner',
  'ownedBy',
] as const);

/** The scalar the `args` of @fetch are typed with; removed from what callers see. */
export const BINDINGS_SCALAR = '_Bindings';

/** The declarations, as in schema/directives.graphql (descriptions included). */
export const BINDING_DIRECTIVES_SDL = `
"Arguments of a source operation: an object literal whose \`$args.\` and \`$parent.\` strings are references."
scalar _Bindings

"Resolves the field by calling one operation of one source."
directive @fetch(source: String!, operation: String!, args: _Bindings, path: String) on FIELD_DEFINITION

"Reads the field from a dot path in the parent's source value; \\"$\\" is the value itself."
directive @from(path: String!) on FIELD_DEFINITION

"Derives the field from the parent's source value with a small expression."
directive @compute(expr: String!) on FIELD_DEFINITION

"Turns a page answer into a Relay connection."
directive @connection(items: String!, nextCursor: String!) on FIELD_DEFINITION

"A type every source knows by the same key field."
directive @entity(key: String!) on OBJECT

"The source enum values this unified enum value stands for."
directive @enumFrom(values: [String!]!) on ENUM_VALUE

"Limits of an argument or input field, enforced before any backend is called (BAD_USER_INPUT); \`pattern\` must match the whole string."
directive @constraint(min: Float, max: Float, exclusiveMin: Float, exclusiveMax: Float, minLength: Int, maxLength: Int, pattern: String, minItems: Int, maxItems: Int) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
"The cached entities a mutation touches: dropped from the read cache once the write has settled. \`keys\` reads the arguments, e.g. \\"$args.input.lines.sku\\", or in a write a step's answer, e.g. \\"$steps.order.lines.sku\\"."
directive @invalidates(entity: String!, keys: String!) repeatable on FIELD_DEFINITION
"Who may see the field or type: a caller holding every scope of at least one inner list (alternatives of sets, as in Apollo Federation). On a type: every field returning it needs the same. docs/partners.md lists the scopes."
directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION | INTERFACE | SCALAR | ENUM

"Only callers with a verified token may see the field or type; on a type, every field returning it."
directive @authenticated on OBJECT | FIELD_DEFINITION | INTERFACE | SCALAR | ENUM
"One step of a write mutation, sent in the order declared and journaled before it is sent (docs/writes.md). \`args\` may read \`$args.\`, \`$caller.\` and \`$steps.<an earlier step>.\`; \`path\` picks the step's answer. \`repeat\` says how sending it again is made safe: \\"idempotency-key\\" (the system applies the step's key once), \\"lookup\\" (\`lookup\` with \`lookupArgs\` finds an earlier result at \`lookupPath\`) or \\"never\\" (an unknown outcome goes to the dead-letter queue). \`undo\` with \`undoArgs\` (which may also read \`$steps.<this step>.\`) undoes it when a later step fails for good; \`cannotUndo\` says why nothing can. \`read: true\` makes it a read (a query): always safe to repeat, nothing to undo, its answer journaled for later steps. \`when: \\"$steps.<step>.<path> == <value>\\"\` (or \`!=\`) sends it only when an earlier answer says so; otherwise it is skipped."
directive @step(name: String!, source: String!, operation: String!, args: _Bindings, path: String, read: Boolean, repeat: String, lookup: String, lookupArgs: _Bindings, lookupPath: String, undo: String, undoArgs: _Bindings, cannotUndo: String, when: String) repeatable on FIELD_DEFINITION
"What a write mutation answers: the answer of one of its steps, at \`path\`, resolved further by the answer type's own bindings."
directive @answer(step: String!, path: String) on FIELD_DEFINITION
"The system that owns an input field, for writes: only its steps may send the field, and the steps of a system that owns fields of a write's input run only when one of those fields is given."
directive @owner(source: String!) on INPUT_FIELD_DEFINITION
"Values of this type belong to a partner: \`field\` is the dot path, in the type's source value, of the owning partner's id (null: the shop's own). A caller with a partner sees only its own; another's is NOT_FOUND, as a missing one (docs/partners.md)."
directive @ownedBy(field: String!) on OBJECT
`;

let parsed: DocumentNode | undefined;

/** The declarations as a document, parsed once. */
export function bindingDirectivesDocument(): DocumentNode {
  parsed ??= parse(BINDING_DIRECTIVES_SDL, { noLocation: true });
  return parsed;
}

/** Is `definition` one of ours (a binding directive or the _Bindings scalar)? */
export function isBindingDefinition(definition: DocumentNode['definitions'][number]): boolean {
  if (definition.kind === Kind.DIRECTIVE_DEFINITION)
    return (BINDING_DIRECTIVES as readonly string[]).includes(definition.name.value);
  if (definition.kind === Kind.SCALAR_TYPE_DEFINITION)
    return definition.name.value === BINDINGS_SCALAR;
  return false;
}
