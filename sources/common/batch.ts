/**
 * Declared batch operations: "to fetch `getProduct` for many ids, call
 * `listProductsByIds` once with all of them". Shared by every source kind,
 * because matching answers back to keys does not depend on the protocol.
 */
import { Kind, type DocumentNode } from 'graphql';
import { SourceConfigError, SourceError } from './errors.js';
import { closestNames } from './suggest.js';
import type { Args, CallContext, Operation, OperationBatch } from './source.js';

/** How one operation is answered for many keys at once. Written in the source's config. */
export interface BatchDeclaration {
  /** The operation that answers many keys in one call. @default the operation itself */
  via?: string;
  /** The argument of the single operation that varies per key, e.g. "id". */
  key: string;
  /** The argument of `via` that takes the list of keys. @default the value of `key` */
  listArgument?: string;
  /** Dot path, in each item of `via`'s answer, to the value that matches a key, e.g. "id". */
  itemKey: string;
  /** Dot path to the list in `via`'s answer, when it is wrapped (e.g. "items"). @default the answer itself */
  resultPath?: string;
  /**
   * When one key may match several items (stock rows per warehouse), each
   * key's place holds the list of its items instead of one item. @default false
   */
  many?: boolean;
  /**
   * Most keys `via` accepts in one call; larger batches are split.
   * @default the contract's own limit of the list argument (OpenAPI `maxItems`), else no limit
   */
  maxKeys?: number;
}

function readPath(value: unknown, path: string | undefined): unknown {
  if (path === undefined || path === '') return value;
  let current = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Keys are matched by their string form: "42" and 42 are the same product. */
function keyOf(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Builds the `batch` member of `operation` from a declaration; throws on a declaration that names nothing real. */
/**
 * The `@constraint(maxItems:)` a contract put on an argument of an operation
 * in the source's typeDefs (the REST source writes it from `maxItems`).
 */
export function contractMaxItems(
  typeDefs: DocumentNode | undefined,
  operation: string,
  argument: string,
): number | undefined {
  for (const definition of typeDefs?.definitions ?? []) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    )
      continue;
    const field = definition.fields?.find((candidate) => candidate.name.value === operation);
    const arg = field?.arguments?.find((candidate) => candidate.name.value === argument);
    const limit = arg?.directives
      ?.find((directive) => directive.name.value === 'constraint')
      ?.arguments?.find((member) => member.name.value === 'maxItems')?.value;
    if (limit?.kind === Kind.INT) return Number(limit.value);
  }
  return undefined;
}

export function createOperationBatch(init: {
  source: string;
  operation: Operation;
  declaration: BatchDeclaration;
  operations: ReadonlyMap<string, Operation>;
  /** The source's typeDefs, where the contract's limit of the list argument is read. */
  typeDefs?: DocumentNode;
}): OperationBatch {
  const { source, operation, declaration } = init;
  const via = init.operations.get(declaration.via ?? operation.name);
  if (via === undefined) {
    const near = closestNames(declaration.via ?? '', init.operations.keys());
    throw new SourceConfigError({
      source,
      path: `batch.${operation.name}.via`,
      safeMessage: `Source option "batch.${operation.name}.via" of ${source} names operation "${declaration.via}", which ${source} does not have${near.length > 0 ? `: did you mean ${near.map((name) => `"${name}"`).join(' or ')}?` : '.'}`,
    });
  }
  const listArgument = declaration.listArgument ?? declaration.key;
  const contractError = (safeMessage: string): SourceError =>
    new SourceError({ code: 'SOURCE_BATCH_CONTRACT', source, operation: via.name, safeMessage });

  const notFound = (): SourceError =>
    new SourceError({
      code: 'SOURCE_NOT_FOUND',
      source,
      operation: operation.name,
      safeMessage: `${source} answered ${via.name} for a batch without an entry for this ${declaration.key}.`,
    });

  if (
    declaration.maxKeys !== undefined &&
    !(Number.isInteger(declaration.maxKeys) && declaration.maxKeys > 0)
  ) {
    throw new SourceConfigError({
      source,
      path: `batch.${operation.name}.maxKeys`,
      safeMessage: `Source option "batch.${operation.name}.maxKeys" of ${source} should be a whole number above 0, instead got ${String(declaration.maxKeys)}.`,
    });
  }
  // The contract's limit is the default, and a ceiling: more keys than it allows would be refused by the backend.
  const contractLimit = contractMaxItems(init.typeDefs, via.name, listArgument);
  if (
    declaration.maxKeys !== undefined &&
    contractLimit !== undefined &&
    declaration.maxKeys > contractLimit
  ) {
    throw new SourceConfigError({
      source,
      path: `batch.${operation.name}.maxKeys`,
      safeMessage: `Source option "batch.${operation.name}.maxKeys" of ${source} is ${declaration.maxKeys}, but the contract accepts at most ${contractLimit} ${listArgument} in one ${via.name} call: leave maxKeys out to use the contract's limit.`,
    });
  }
  const maxKeys = declaration.maxKeys ?? contractLimit;
  return {
    key: declaration.key,
    ...(maxKeys === undefined ? {} : { maxKeys }),
    async invokeMany(
      keys: readonly unknown[],
      ctx: CallContext,
      args: Args = {},
    ): Promise<unknown[]> {
      const answer = await via.invoke({ ...args, [listArgument]: [...keys] }, ctx);
      const items = readPath(answer, declaration.resultPath);
      if (!Array.isArray(items)) {
        throw contractError(
          `${source}.${via.name} should answer a list${declaration.resultPath ? ` at "${declaration.resultPath}"` : ''} for a batch of ${keys.length} keys, instead got ${items === null ? 'null' : typeof items}.`,
        );
      }
      const byKey = new Map<string, unknown[]>();
      for (const item of items) {
        const itemKey = readPath(item, declaration.itemKey);
        if (itemKey === undefined || itemKey === null) {
          throw contractError(
            `An item answered by ${source}.${via.name} has no "${declaration.itemKey}" to match it to a key.`,
          );
        }
        const bucket = byKey.get(keyOf(itemKey));
        if (bucket) bucket.push(item);
        else byKey.set(keyOf(itemKey), [item]);
      }
      // Same length and order as `keys`: the DataLoader contract. A key the
      // answer left out is "not found" at its place, as the single call's 404
      // would be: never an empty list or a zero that reads as real data.
      return keys.map((key) => {
        const matched = byKey.get(keyOf(key));
        if (matched === undefined) return notFound();
        return declaration.many ? matched : matched[0];
      });
    },
  };
}

/** Returns `operations` with a `batch` attached to each operation named in `declarations`. */
export function withBatches(
  source: string,
  operations: ReadonlyMap<string, Operation>,
  declarations: Readonly<Record<string, BatchDeclaration>> = {},
  typeDefs?: DocumentNode,
): ReadonlyMap<string, Operation> {
  const result = new Map(operations);
  for (const [name, declaration] of Object.entries(declarations)) {
    const operation = operations.get(name);
    if (operation === undefined) {
      const near = closestNames(name, operations.keys());
      const hint =
        near.length > 0
          ? `did you mean ${near.map((candidate) => `"${candidate}"`).join(' or ')}?`
          : `known: ${[...operations.keys()].slice(0, 20).join(', ')}.`;
      throw new SourceConfigError({
        source,
        path: `batch.${name}`,
        safeMessage: `Source option "batch.${name}" of ${source} names operation "${name}", which ${source} does not have: ${hint}`,
      });
    }
    result.set(name, {
      ...operation,
      batch: createOperationBatch({
        source,
        operation,
        declaration,
        operations,
        ...(typeDefs === undefined ? {} : { typeDefs }),
      }),
    });
  }
  return result;
}
