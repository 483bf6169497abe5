import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageSize, toPage } from '../../src/shared/pagination';
import { AppError } from '../../src/shared/errors';

function badInputPath(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return (error as AppError).extensions.path as string[];
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('pageSize', () => {
  it('defaults to 20 when first is not given', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(20);
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
  });

  it.each([0, 1, 20, 99, 100])('accepts %p', (first) => {
    expect(pageSize(first)).toBe(first);
  });

  it.each([-1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p as bad input on first', (first) => {
    expect(MAX_PAGE_SIZE).toBe(100);
    expect(badInputPath(() => pageSize(first))).toEqual(['first']);
  });
});

describe('cursors', () => {
  it.each<(string | number)[][]>([
    [['2026-03-02', '2026-03-02T21:05:00.000Z', 'PP_2026-03-02']],
    [['portfolio-1']],
    [[42, 'x', 0]],
    [['with "quotes", commas and ünïcode']],
  ])('round-trips the key %j', (key) => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // opaque, URL-safe, no padding
    expect(decodeCursor(cursor, key.length)).toEqual(key);
  });

  it('gives different keys different cursors', () => {
    expect(encodeCursor(['a', 1])).not.toBe(encodeCursor(['a', 2]));
  });

  it('rejects a cursor of another arity', () => {
    const cursor = encodeCursor(['a', 'b']);
    expect(badInputPath(() => decodeCursor(cursor, 3))).toEqual(['after']);
    expect(badInputPath(() => decodeCursor(cursor, 1))).toEqual(['after']);
  });

  it.each([
    ['not base64 JSON', 'garbage!!'],
    ['empty', ''],
    ['JSON but not an array', Buffer.from('{"id":"x"}').toString('base64url')],
    ['an array of other values', Buffer.from('[null,true]').toString('base64url')],
    ['truncated', encodeCursor(['2026-03-02', 'PP_2026-03-02']).slice(0, 10)],
  ])('rejects a cursor that is %s', (_what, cursor) => {
    expect(badInputPath(() => decodeCursor(cursor, 2))).toEqual(['after']);
  });
});

describe('toPage', () => {
  const cursorOf = (n: number) => encodeCursor([n]);

  it('shows size rows and says there are more when the extra row was fetched', () => {
    const page = toPage([1, 2, 3, 4], 3, cursorOf);
    expect(page.items.map((i) => i.node)).toEqual([1, 2, 3]);
    expect(page.hasNextPage).toBe(true);
  });

  it('says there are no more when fewer than size + 1 rows came back', () => {
    expect(toPage([1, 2, 3], 3, cursorOf).hasNextPage).toBe(false);
    expect(toPage([1, 2], 3, cursorOf).hasNextPage).toBe(false);
    expect(toPage([], 3, cursorOf)).toEqual({ items: [], hasNextPage: false });
  });

  it('gives each item the cursor of its own node', () => {
    const page = toPage([7, 8], 5, cursorOf);
    expect(page.items).toEqual([
      { node: 7, cursor: encodeCursor([7]) },
      { node: 8, cursor: encodeCursor([8]) },
    ]);
  });

  it('with size 0 shows nothing but still reports whether rows exist', () => {
    expect(toPage([1], 0, cursorOf)).toEqual({ items: [], hasNextPage: true });
  });
});
