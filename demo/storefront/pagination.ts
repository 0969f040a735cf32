/**
 * Cursor pagination and the list query parameters every list shares
 * (`limit`, `cursor`, `ids`). A cursor names the last id of the page, so a
 * record created between two pages neither repeats nor shifts later pages.
 */
import { badRequest } from './problem.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Most keys one `ids=`/`skus=` lookup may ask for. */
export const MAX_LOOKUP_KEYS = 100;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const CURSOR_PREFIX = 'after:';

/** Ids are zero-padded, but "cus_10000" must still sort after "cus_9999": shorter first, then by text. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function encodeCursor(lastId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The id a cursor continues after; 400 when it is not one of ours. */
export function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  if (!text.startsWith(CURSOR_PREFIX) || text.length === CURSOR_PREFIX.length) {
    throw badRequest('The cursor is not valid; pass nextCursor from a previous page unchanged.');
  }
  return text.slice(CURSOR_PREFIX.length);
}

export function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT))
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  return limit;
}

/**
 * A comma-separated (or repeated) list parameter, de-duplicated in order;
 * `undefined` when absent. 400 over MAX_LOOKUP_KEYS.
 */
export function parseKeyList(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  const keys = [
    ...new Set(
      values
        .flatMap((value) => value.split(','))
        .map((key) => key.trim())
        .filter((key) => key.length > 0),
    ),
  ];
  if (keys.length > MAX_LOOKUP_KEYS)
    throw badRequest(
      `${name} may name at most ${MAX_LOOKUP_KEYS} keys in one call, got ${keys.length}.`,
    );
  return keys;
}

/** One page of `items` (sorted by id) after the query's cursor. */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  query: URLSearchParams,
): Page<T> {
  const limit = parseLimit(query);
  const cursor = query.get('cursor');
  let start = 0;
  if (cursor !== null && cursor !== '') {
    const after = decodeCursor(cursor);
    // Binary search: the first item whose id sorts after the cursor's.
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareIds((items[middle] as T).id, after) <= 0) low = middle + 1;
      else high = middle;
    }
    start = low;
  }
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: start + limit < items.length && last !== undefined ? encodeCursor(last.id) : null,
  };
}

/** The records for `keys`, in the order asked, leaving out keys that match nothing. */
export function lookup<T>(keys: readonly string[], find: (key: string) => T | undefined): Page<T> {
  const items: T[] = [];
  for (const key of keys) {
    const item = find(key);
    if (item !== undefined) items.push(item);
  }
  return { items, nextCursor: null };
}
