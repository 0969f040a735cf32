/**
 * @connection: a backend page ({ items, nextCursor }) as a Relay connection.
 * The backend's own cursor is the last edge's cursor and `endCursor`.
 */
import type { PageInfo } from '../generated/index.js';
import { readPath } from './path.js';

export interface Connection {
  readonly edges: ReadonlyArray<{ readonly cursor: string | null; readonly node: unknown }>;
  readonly pageInfo: PageInfo;
}

/** Compiles the reader of one @connection binding. */
export function createConnectionBuilder(
  items: readonly string[],
  nextCursor: readonly string[],
): (page: unknown, after: unknown) => Connection {
  return (page, after) => {
    const list = readPath(page, items);
    const nodes: readonly unknown[] = Array.isArray(list) ? list : [];
    const next = readPath(page, nextCursor);
    const end = typeof next === 'string' && next !== '' ? next : null;
    const start = typeof after === 'string' && after !== '' ? after : null;
    return {
      edges: nodes.map((node, index) => ({
        cursor: index === nodes.length - 1 ? end : null,
        node,
      })),
      pageInfo: {
        hasNextPage: end !== null,
        hasPreviousPage: start !== null,
        startCursor: start,
        endCursor: end,
      },
    };
  };
}
