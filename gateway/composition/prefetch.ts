/**
 * Entity prefetch: when a field fetches an @entity by its key, the key is
 * known before the answer arrives, and so are the arguments of the entity's
 * other fetches that need nothing but that key (`price` and `stock` of a
 * Product, bound to `$parent.sku`). Those calls start at once, beside the
 * entity's own fetch, instead of one level later; when the entity's fields
 * resolve, the request's loaders hand them the call already in flight.
 *
 * A hand-written client does the same (it knows the SKU, so it asks the
 * three systems at once); a query planner that waits for each level does
 * not. The cost: when the entity turns out not to exist, the prefetched
 * calls were made for nothing. Call counts per source stay the same.
 */
import {
  Kind,
  getArgumentValues,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import type { ArgTemplate, FetchBinding } from './bindings.js';

/** Starts a field's fetch for a parent value and field arguments; the promise is the loader's. */
export type StartFetch = (
  parent: unknown,
  args: Readonly<Record<string, unknown>>,
  ctx: GatewayContext,
) => Promise<unknown>;

/** Does `template` read from the parent nothing but `$parent.<key>`? */
function needsOnlyKey(template: ArgTemplate, key: string): boolean {
  switch (template.kind) {
    case 'literal':
      return true;
    case 'ref':
      return template.root === 'args' || (template.path.length === 1 && template.path[0] === key);
    case 'object':
      return [...template.fields.values()].every(({ template: inner }) => needsOnlyKey(inner, key));
    case 'list':
      return template.items.every((inner) => needsOnlyKey(inner, key));
    case 'each':
      return false; // write steps only
  }
}

/** Can this fetch run knowing only the parent entity's key? */
export function fetchNeedsOnlyKey(fetch: FetchBinding, key: string): boolean {
  return [...fetch.args.values()].every(({ template }) => needsOnlyKey(template, key));
}

interface Prefetchable {
  readonly field: GraphQLField<unknown, unknown>;
  readonly start: StartFetch;
}

/** The selected fields of `type` in `selectionSet`, through inline fragments and spreads of that type. */
function collectFields(
  selectionSet: SelectionSetNode | undefined,
  type: GraphQLObjectType,
  info: GraphQLResolveInfo,
  into: FieldNode[],
): void {
  for (const selection of selectionSet?.selections ?? []) {
    // @skip/@include depend on variables: such a selection is left to run in its turn.
    if (selection.directives !== undefined && selection.directives.length > 0) continue;
    if (selection.kind === Kind.FIELD) into.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition === undefined || selection.typeCondition.name.value === type.name)
        collectFields(selection.selectionSet, type, info, into);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment !== undefined && fragment.typeCondition.name.value === type.name)
        collectFields(fragment.selectionSet, type, info, into);
    }
  }
}

/**
 * Builds the prefetcher of one entity type: `run(key, info, ctx)` starts,
 * for every field selected under the current field, the fetches that need
 * only the key. Errors are left for the field's own resolver to report.
 */
export function createPrefetcher(
  type: GraphQLObjectType,
  key: string,
  fetches: ReadonlyMap<string, StartFetch>,
): (key: unknown, info: GraphQLResolveInfo, ctx: GatewayContext) => void {
  const prefetchable = new Map<string, Prefetchable>();
  for (const [name, start] of fetches) {
    const field = type.getFields()[name];
    if (field !== undefined) prefetchable.set(name, { field, start });
  }
  // The selection depends only on the (cached, parsed) document, so it is
  // collected once per field occurrence and kept for the next requests of the
  // same document. Keyed by the occurrence's first AST node, which Yoga's
  // parser cache keeps from one request to the next (the executor builds a
  // new `fieldNodes` array every time, so keying by the array missed on every
  // request: ~2% of the CPU of 50 aliased lookups, issue 15); the rest of
  // the array is compared, since one node spread through a fragment at two
  // places may be merged with different siblings.
  const selections = new WeakMap<
    FieldNode,
    Array<{ readonly nodes: readonly FieldNode[]; readonly selected: FieldNode[] }>
  >();
  const selectedUnder = (info: GraphQLResolveInfo): FieldNode[] => {
    const nodes = info.fieldNodes;
    const first = nodes[0] as FieldNode;
    let known = selections.get(first);
    const hit = known?.find(
      (entry) =>
        entry.nodes.length === nodes.length &&
        entry.nodes.every((node, index) => node === nodes[index]),
    );
    if (hit !== undefined) return hit.selected;
    const selected: FieldNode[] = [];
    for (const node of nodes) collectFields(node.selectionSet, type, info, selected);
    if (known === undefined) selections.set(first, (known = []));
    // Bounded: one entry per distinct merge of this node, a handful at most in any document.
    if (known.length < 16) known.push({ nodes: [...nodes], selected });
    return selected;
  };
  return (keyValue, info, ctx) => {
    if (keyValue === undefined || keyValue === null || prefetchable.size === 0) return;
    const selected = selectedUnder(info);
    const parent = { [key]: keyValue };
    for (const node of selected) {
      const entry = prefetchable.get(node.name.value);
      if (entry === undefined) continue;
      // A field the caller may not see is never fetched, not even ahead of time (gateway/auth/access.ts).
      if (ctx.fieldAllowed?.(`${type.name}.${node.name.value}`) === false) continue;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(entry.field, node, info.variableValues);
      } catch {
        continue; // the field's own resolver will report bad arguments
      }
      entry.start(parent, args, ctx).catch(() => undefined);
    }
  };
}
