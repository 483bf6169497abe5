import { badInput } from './errors';

/** Page size of a connection when the client does not set `first`. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `first` a connection accepts. */
export const MAX_PAGE_SIZE = 100;

/** A connection's paging arguments as the client sent them: how many items, and the cursor to continue after. */
export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** One page of a connection: each item with its cursor, and whether more follow. */
export interface Page<T> {
  items: { cursor: string; node: T }[];
  hasNextPage: boolean;
}

/** `first` within [0, MAX_PAGE_SIZE]; anything else is the caller's mistake, said plainly. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be an integer from 0 to ${MAX_PAGE_SIZE}`, [{ path: 'first', message: 'out of range' }]);
  }
  return first;
}

/** Cursors are opaque to clients: base64url of the sort key of the last item seen. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor carries, checked to have the expected number of parts; a cursor this
 * server did not issue is BAD_USER_INPUT.
 */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the same answer as a well-formed but foreign cursor
  }
  throw badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);
}

/** Turns rows fetched with `take: size + 1` into a page. */
export function toPage<T>(rows: T[], size: number, cursorOf: (row: T) => string): Page<T> {
  const visible = rows.slice(0, size);
  return { items: visible.map((node) => ({ cursor: cursorOf(node), node })), hasNextPage: rows.length > size };
}
