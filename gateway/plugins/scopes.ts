/**
 * Scopes at the operation's edge (the fields themselves are guarded in
 * gateway/auth/access.ts): a root field the caller may not call fails the
 * whole operation with 403 FORBIDDEN before anything runs, and an
 * introspection query is answered from the schema the caller's view sees.
 * What a document selects at its root is read once per document and
 * operation name (Yoga caches parsed documents, so a repeated query is one
 * WeakMap lookup).
 */
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { forbiddenError, type AccessControl, type AccessView } from '../auth/access.js';
import type { Caller } from '../auth/index.js';
import { toGraphQLError } from '../errors.js';

interface RootSelection {
  /** "Query.order", with the name it answers under (alias or field name). */
  readonly fields: ReadonlyArray<{ readonly coordinate: string; readonly responseName: string }>;
  /** Selects `__schema` or `__type`. */
  readonly introspects: boolean;
}

/** The root fields of one operation, through fragments (a fragment at the root is on the root type). */
function readRoot(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): RootSelection | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined) return undefined;
  const root = schema.getRootType(operation.operation);
  if (root === null || root === undefined) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const fields: Array<{ coordinate: string; responseName: string }> = [];
  let introspects = false;
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') introspects = true;
        else if (name !== '__typename')
          fields.push({
            coordinate: `${root.name}.${name}`,
            responseName: selection.alias?.value ?? name,
          });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return { fields, introspects };
}

export function useScopes(
  access: AccessControl,
): Plugin<{ caller: Caller; fieldAllowed?: (coordinate: string) => boolean }> {
  if (!access.active) return {};
  const roots = new WeakMap<DocumentNode, Map<string, RootSelection | undefined>>();
  const rootOf = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
  ): RootSelection | undefined => {
    let byName = roots.get(document);
    if (byName === undefined) roots.set(document, (byName = new Map()));
    const key = operationName ?? '';
    if (!byName.has(key)) byName.set(key, readRoot(schema, document, operationName));
    return byName.get(key);
  };

  // One check per view, not a closure per request: views are few (one per distinct scope set).
  const allowedByView = new WeakMap<AccessView, (coordinate: string) => boolean>();
  const allowedIn = (view: AccessView): ((coordinate: string) => boolean) => {
    let allowed = allowedByView.get(view);
    if (allowed === undefined) {
      allowed = (coordinate) => !view.forbidden.has(coordinate);
      allowedByView.set(view, allowed);
    }
    return allowed;
  };

  /** The operation's 403 errors, one per root field it may not call; empty when it may run. */
  const refusals = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    contextValue: { caller: Caller };
  }): {
    errors: GraphQLError[];
    introspectionSchema?: GraphQLSchema;
    allowed?: (coordinate: string) => boolean;
  } => {
    const root = rootOf(args.schema, args.document, args.operationName);
    if (root === undefined) return { errors: [] };
    const view = access.viewOf(args.contextValue.caller);
    const allowed = allowedIn(view);
    const errors: GraphQLError[] = [];
    for (const { coordinate, responseName } of root.fields) {
      if (!view.forbidden.has(coordinate)) continue;
      const coded = toGraphQLError(forbiddenError(coordinate, view.unmet(coordinate)));
      errors.push(
        new GraphQLError(coded.message, {
          path: [responseName],
          extensions: { ...coded.extensions, http: { status: 403 } },
        }),
      );
    }
    return {
      errors,
      allowed,
      ...(root.introspects && view.forbidden.size > 0
        ? { introspectionSchema: view.schema() }
        : {}),
    };
  };

  return {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution, extendContext }) {
      const { errors, introspectionSchema, allowed } = refusals(args);
      if (errors.length > 0) return setResultAndStopExecution({ errors });
      if (allowed !== undefined) extendContext({ fieldAllowed: allowed });
      // Introspection reads `info.schema`: this caller's view answers it.
      if (introspectionSchema !== undefined)
        setExecuteFn((execution) => executeFn({ ...execution, schema: introspectionSchema }));
      return undefined;
    },
    onSubscribe({ args, setResultAndStopExecution, extendContext }) {
      const { errors, allowed } = refusals(args);
      if (errors.length > 0) return setResultAndStopExecution({ errors });
      if (allowed !== undefined) extendContext({ fieldAllowed: allowed });
      return undefined;
    },
  };
}
