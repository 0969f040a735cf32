/**
 * Operation names: from `operationId` when the contract has one, otherwise
 * from the method and path (`GET /pets/{petId}` → `getPetsByPetId`).
 * Operations are named in a fixed order (path, then method) so the same
 * contract always yields the same names, whatever order its keys are in.
 */
import { createNameAllocator, splitWords, toFieldName } from '../common/index.js';

/**
 * `GET /pets/{petId}/toys` → `getPetsByPetIdToys`. A path key's `#fragment`
 * (`/files/{id}#get_shared_link`, which some contracts use to tell apart
 * operations on one path) names the operation too: `getFilesByIdGetSharedLink`.
 */
export function nameFromMethodAndPath(method: string, path: string): string {
  const words: string[] = [method.toLowerCase()];
  const hash = path.indexOf('#');
  const fragment = hash < 0 ? '' : path.slice(hash + 1);
  for (const segment of (hash < 0 ? path : path.slice(0, hash)).split('/')) {
    if (segment === '') continue;
    const parameter = /^\{(.+)\}$/.exec(segment);
    if (parameter) words.push('By', ...splitWords(parameter[1] as string));
    else words.push(...splitWords(segment));
  }
  words.push(...splitWords(fragment));
  return toFieldName(words.join(' '));
}

/** The base name of one operation before collisions are resolved. */
export function operationBaseName(operation: {
  method: string;
  path: string;
  operationId?: string;
}): string {
  const fromId = operation.operationId === undefined ? '' : toFieldName(operation.operationId);
  // toFieldName falls back to "field" for an id with no letters or digits; the path says more.
  return fromId === '' || fromId === 'field'
    ? nameFromMethodAndPath(operation.method, operation.path)
    : fromId;
}

const METHOD_ORDER = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Names every operation, in the order given back. Collisions (two
 * operationIds that sanitise alike) get `2`, `3`... in (path, method) order.
 */
export function nameOperations<T extends { method: string; path: string; operationId?: string }>(
  operations: readonly T[],
): Array<{ name: string; operation: T }> {
  const sorted = [...operations].sort((a, b) =>
    a.path === b.path
      ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)
      : a.path < b.path
        ? -1
        : 1,
  );
  // Query and Mutation are separate GraphQL namespaces, but the source's operation map is one.
  const allocator = createNameAllocator();
  return sorted.map((operation) => ({
    name: allocator.claim(operationBaseName(operation)),
    operation,
  }));
}
