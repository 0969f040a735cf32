/**
 * @connection: a backend page ({ items, nextCursor }) as a Relay connection,
 * with a cursor on every edge (issue 13).
 *
 * A backend cursor is opaque and resumes only where the backend's page ended,
 * so the last edge of a page keeps the backend's own cursor (also
 * `endCursor`: going on from the end of a page costs one call, as before).
 * Every other edge gets a gateway cursor: the backend cursor the page was
 * fetched with (none for the first page) and how many items of that page
 * come before the next one. Resuming from it costs two calls: that many
 * items from the page start, whose backend cursor then fetches the page the
 * caller asked for (resumeAfterEdge). It needs the field's `first` and
 * `after` arguments bound to the backend's limit and cursor, as every Relay
 * connection in the schema is; a field without them gets no edge cursors
 * but the last.
 */
import type { PageInfo } from '../generated/index.js';
import { readPath } from './path.js';

export interface Connection {
  readonly edges: ReadonlyArray<{ readonly cursor: string | null; readonly node: unknown }>;
  readonly pageInfo: PageInfo;
}

/** Where a page starts: the backend cursor it was fetched with and the items of it to skip. */
export interface PageStart {
  readonly backendCursor: string | null;
  readonly skip: number;
}

// Base64url under a prefix: it passes the `after` argument's own constraint
// ([A-Za-z0-9_-], at most 400 characters) and cannot be mistaken for a plain
// backend cursor unless one starts the same way and decodes as ours.
const PREFIX = 'sbe1_';
const MAX_OFFSET = 10_000; // a page is at most a few hundred items; past this the cursor is not ours

/** The cursor of the edge `offset` items into the page fetched with `backendCursor`. */
export function encodeEdgeCursor(backendCursor: string | null, offset: number): string {
  return (
    PREFIX + Buffer.from(JSON.stringify([backendCursor, offset]), 'utf8').toString('base64url')
  );
}

/** The edge cursor `after` names, or undefined when it is a backend cursor (or none). */
export function decodeEdgeCursor(after: unknown): PageStart | undefined {
  if (typeof after !== 'string' || !after.startsWith(PREFIX)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(after.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [backendCursor, skip] = value as [unknown, unknown];
  if (backendCursor !== null && (typeof backendCursor !== 'string' || backendCursor === ''))
    return undefined;
  if (!Number.isInteger(skip) || (skip as number) < 1 || (skip as number) > MAX_OFFSET)
    return undefined;
  return { backendCursor, skip: skip as number };
}

/** Compiles the reader of one @connection binding. */
/**
 * An edge whose cursor is encoded when it is read: a page of 50 selected
 * without `cursor` (the common query) no longer pays 49 JSON-and-base64
 * encodings (issue 15). A class, not a literal with a getter (V8 builds
 * those ~20× slower); the resolvers' own-field reader knows it
 * (composition/resolvers.ts).
 */
export class LazyEdge {
  constructor(
    readonly node: unknown,
    private readonly backendCursor: string | null,
    private readonly offset: number,
  ) {}

  get cursor(): string {
    return encodeEdgeCursor(this.backendCursor, this.offset);
  }
}

export function createConnectionBuilder(
  items: readonly string[],
  nextCursor: readonly string[],
  /** Whether the field can resume mid-page (its `first` and `after` reach the backend). */
  edgeCursors = false,
): {
  /** The connection of `page`, fetched with `backendCursor`; `after` is the caller's argument. */
  build: (page: unknown, after: unknown, backendCursor?: string | null) => Connection;
  /** The backend's cursor after `page`, null on the last page. */
  next: (page: unknown) => string | null;
} {
  const next = (page: unknown): string | null => {
    const value = readPath(page, nextCursor);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const build = (
    page: unknown,
    after: unknown,
    backendCursor: string | null = typeof after === 'string' && after !== '' ? after : null,
  ): Connection => {
    const list = readPath(page, items);
    const nodes: readonly unknown[] = Array.isArray(list) ? list : [];
    const end = next(page);
    const start = typeof after === 'string' && after !== '' ? after : null;
    const last = nodes.length - 1;
    return {
      edges: nodes.map((node, index) =>
        index === last && end !== null
          ? { cursor: end, node }
          : edgeCursors
            ? new LazyEdge(node, backendCursor, index + 1)
            : { cursor: null, node },
      ),
      pageInfo: {
        hasNextPage: end !== null,
        hasPreviousPage: start !== null,
        startCursor: start,
        endCursor: end,
      },
    };
  };
  return { build, next };
}
