import { PrismaPg } from '@prisma/adapter-pg';
import { ExecutionHistory, type ExecutionHistoryFilter } from '../../../src/data/executions/execution-history';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { PrismaClient } from '../../../src/generated/prisma/client';
import { AppError } from '../../../src/shared/errors';
import { encodeCursor, type PageRequest } from '../../../src/shared/pagination';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../../support/test-database';
import { createPatternVersion, createTenant, insertExecutions, newestFirst, type ExecutionRow, type Status } from './history-fixtures';

let test: TestDatabase;
let history: ExecutionHistory;

beforeAll(async () => {
  test = await openTestDatabase();
  expect((await seedDemoData(test.data)).seeded).toBe(true);
  history = new ExecutionHistory(test.db);
  await createPatternVersion(test.db.prisma, 'history_alpha');
  await createPatternVersion(test.db.prisma, 'history_beta');
});
afterAll(async () => {
  await test?.close();
});

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

/** Every page of a listing, following endCursor until hasNextPage is false. */
async function pageThrough(
  tenantId: string,
  filter: ExecutionHistoryFilter | null,
  first: number,
  between: (page: number) => Promise<void> = async () => {},
): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let page = 1; ; page++) {
    const result = await history.list(tenantId, filter, { first, after });
    expect(result.items.length).toBeLessThanOrEqual(first);
    seen.push(...result.items.map((i) => i.node.id));
    if (!result.hasNextPage) return seen;
    expect(result.items).toHaveLength(first);
    after = result.items[result.items.length - 1].cursor;
    await between(page);
  }
}

async function badInputPath(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return (error as AppError).extensions.path as string[];
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('ExecutionHistory: stable keyset paging', () => {
  const tenantId = 'history-paging';

  beforeAll(async () => {
    await createTenant(test.db.prisma, tenantId);
  });

  it('visits each of 500 executions exactly once, in order, while 100 new ones arrive between pages', async () => {
    const prisma = test.db.prisma;
    // A day ago, five runs per millisecond-exact instant: ties on created_at are broken by id.
    const base = Date.now() - 86_400_000;
    const existing = await insertExecutions(
      prisma,
      Array.from({ length: 500 }, (_, i) => ({
        tenantId,
        patternId: i % 2 ? 'history_alpha' : 'history_beta',
        status: (['SUCCESS', 'FAILED', 'PARTIAL', 'RUNNING'] as const)[i % 4],
        createdAt: new Date(base + Math.floor(i / 5) * 1000),
      })),
    );
    const expected = ids(newestFirst(existing));
    // The database's own order agrees with the one computed here.
    const dbOrder = await test.db.sql.query<{ key: string }>(
      // Aliased apart from id: a bare `id` in ORDER BY would otherwise sort the text output column.
      `SELECT id::text AS key FROM executions WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC`,
      [tenantId],
    );
    expect(dbOrder.map((r) => r.key)).toEqual(expected);

    const arrived: string[] = [];
    const seen = await pageThrough(tenantId, null, 37, async () => {
      // 100 new runs in all, spread over the gaps between pages (created now, like real runs).
      const count = Math.min(8, 100 - arrived.length);
      if (count === 0) return;
      const fresh = await insertExecutions(
        prisma,
        Array.from({ length: count }, () => ({ tenantId, patternId: 'history_alpha', status: 'RUNNING' as const })),
      );
      arrived.push(...ids(fresh));
    });

    expect(arrived.length).toBeGreaterThanOrEqual(96); // 13 gaps between 14 pages of 37
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    expect(seen).toEqual(expected); // no gaps, same order, none of the new ones
    // The new ones are there for whoever starts again from the top.
    const fresh = await history.list(tenantId, null, { first: arrived.length });
    expect(new Set(ids(fresh.items.map((i) => i.node)))).toEqual(new Set(arrived));
  });

  it('returns the full stored record for each node', async () => {
    const page = await history.list(tenantId, null, { first: 1 });
    expect(page.items[0].node).toMatchObject({
      tenantId,
      packId: 'PP_2026-11-20',
      patternVersion: '1.0.0',
      asofDate: '2026-11-20',
      traceId: 'trace-history',
      credits: 0,
    });
    expect(page.items[0].node.createdAt).toBeInstanceOf(Date);
  });

  it('answers first: 0 with no edges and says whether there is more', async () => {
    const page = await history.list(tenantId, null, { first: 0 });
    expect(page.items).toEqual([]);
    expect(page.hasNextPage).toBe(true);
  });

  it('defaults to 20 per page', async () => {
    expect((await history.list(tenantId, null, {})).items).toHaveLength(20);
  });
});

describe('ExecutionHistory: filters', () => {
  const tenantId = 'history-filters';
  let rows: ExecutionRow[];
  const statuses: Status[] = ['RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED'];
  const t0 = Date.parse('2026-03-01T12:00:00.000Z');

  beforeAll(async () => {
    await createTenant(test.db.prisma, tenantId);
    // 48 runs, two per hour, covering every status × pattern × portfolio combination twice;
    // the two runs of an hour are 1 ms apart.
    rows = await insertExecutions(
      test.db.prisma,
      Array.from({ length: 48 }, (_, i) => ({
        tenantId,
        status: statuses[Math.floor(i / 2) % 4],
        patternId: i % 3 === 0 ? 'history_beta' : 'history_alpha',
        portfolioId: i % 2 === 0 ? 'pf-demo-growth' : null,
        createdAt: new Date(t0 + Math.floor(i / 2) * 3_600_000 + (i % 2 === 0 ? 0 : 1)),
      })),
    );
  });

  const expectFilter = async (filter: ExecutionHistoryFilter, keep: (r: ExecutionRow) => boolean) => {
    const expected = ids(newestFirst(rows.filter(keep)));
    expect(expected.length).toBeGreaterThan(0);
    // One page, and many small pages: the same rows in the same order.
    const single = await history.list(tenantId, filter, { first: 100 });
    expect(ids(single.items.map((i) => i.node))).toEqual(expected);
    expect(await pageThrough(tenantId, filter, 5)).toEqual(expected);
  };

  it('lists everything newest first without a filter', async () => {
    await expectFilter({}, () => true);
  });

  it('filters by one status and by several', async () => {
    await expectFilter({ status: ['FAILED'] }, (r) => r.status === 'FAILED');
    await expectFilter({ status: ['SUCCESS', 'PARTIAL'] }, (r) => r.status === 'SUCCESS' || r.status === 'PARTIAL');
  });

  it('matches nothing for an empty status list', async () => {
    expect((await history.list(tenantId, { status: [] }, { first: 100 })).items).toEqual([]);
  });

  it('filters by pattern', async () => {
    await expectFilter({ patternId: 'history_beta' }, (r) => r.patternId === 'history_beta');
    expect((await history.list(tenantId, { patternId: 'no_such_pattern' }, {})).items).toEqual([]);
  });

  it('filters by portfolio', async () => {
    await expectFilter({ portfolioId: 'pf-demo-growth' }, (r) => r.portfolioId === 'pf-demo-growth');
    expect((await history.list(tenantId, { portfolioId: 'pf-other-income' }, {})).items).toEqual([]);
  });

  it('filters by a created_at range, from inclusive and to exclusive', async () => {
    const from = rows[10].createdAt; // an exact instant of a run: included
    const to = rows[30].createdAt; // an exact instant of a run: excluded
    await expectFilter({ from, to }, (r) => r.createdAt >= from && r.createdAt < to);
    expect(ids((await history.list(tenantId, { from, to }, { first: 100 })).items.map((i) => i.node))).toContain(rows[10].id);
    expect(ids((await history.list(tenantId, { from, to }, { first: 100 })).items.map((i) => i.node))).not.toContain(rows[30].id);
    await expectFilter({ from }, (r) => r.createdAt >= from);
    await expectFilter({ to }, (r) => r.createdAt < to);
    expect((await history.list(tenantId, { from: to, to: from }, {})).items).toEqual([]);
  });

  it('combines filters', async () => {
    const from = rows[4].createdAt;
    const to = rows[40].createdAt;
    await expectFilter(
      { status: ['SUCCESS', 'FAILED'], patternId: 'history_alpha', portfolioId: 'pf-demo-growth', from, to },
      (r) =>
        (r.status === 'SUCCESS' || r.status === 'FAILED') &&
        r.patternId === 'history_alpha' &&
        r.portfolioId === 'pf-demo-growth' &&
        r.createdAt >= from &&
        r.createdAt < to,
    );
  });
});

describe('ExecutionHistory: tenant scoping', () => {
  let demoRows: ExecutionRow[];
  let otherRows: ExecutionRow[];

  beforeAll(async () => {
    const at = (i: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + i * 1000);
    // Interleaved in time and sharing instants, so a leak across tenants could not hide behind order.
    demoRows = await insertExecutions(
      test.db.prisma,
      Array.from({ length: 12 }, (_, i) => ({
        tenantId: 'demo',
        patternId: 'history_alpha',
        portfolioId: 'pf-demo-growth',
        createdAt: at(i),
      })),
    );
    otherRows = await insertExecutions(
      test.db.prisma,
      Array.from({ length: 9 }, (_, i) => ({
        tenantId: 'other',
        patternId: 'history_alpha',
        portfolioId: 'pf-other-income',
        createdAt: at(i),
      })),
    );
  });

  it("lists only the caller's tenant's executions", async () => {
    expect(await pageThrough('demo', null, 4)).toEqual(ids(newestFirst(demoRows)));
    expect(await pageThrough('other', null, 4)).toEqual(ids(newestFirst(otherRows)));
  });

  it("does not reach another tenant's executions through their filters", async () => {
    expect((await history.list('other', { portfolioId: 'pf-demo-growth' }, { first: 100 })).items).toEqual([]);
  });

  it("does not reach another tenant's executions with a cursor from their listing", async () => {
    const demoPage = await history.list('demo', null, { first: 1 });
    const page = await history.list('other', null, { first: 100, after: demoPage.items[0].cursor });
    const seen = ids(page.items.map((i) => i.node));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((id) => otherRows.some((r) => r.id === id))).toBe(true);
  });

  it('lists nothing for a tenant without executions', async () => {
    const page = await history.list('no-such-tenant', null, {});
    expect(page).toEqual({ items: [], hasNextPage: false });
  });
});

describe('ExecutionHistory: bad arguments', () => {
  const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it.each([
    ['garbage', 'not a cursor at all'],
    ['one element', cursor(['2026-06-01T00:00:00.000Z'])],
    ['three elements', encodeCursor(['2026-06-01', '2026-06-01T00:00:00.000Z', 'PP_x'])],
    ['a bad instant', encodeCursor(['yesterday', '00000000-0000-4000-8000-000000000000'])],
    ['a numeric instant', encodeCursor([1_700_000_000_000, '00000000-0000-4000-8000-000000000000'])],
    ['an id that is not a uuid', encodeCursor(['2026-06-01T00:00:00.000Z', "x' OR 1=1 --"])],
    ['a numeric id', encodeCursor(['2026-06-01T00:00:00.000Z', 42])],
  ])('rejects a cursor with %s as BAD_USER_INPUT on after', async (_what, after) => {
    expect(await badInputPath(history.list('demo', null, { first: 5, after }))).toEqual(['after']);
  });

  it.each([-1, 101, 2.5])('rejects first: %p as BAD_USER_INPUT on first', async (first) => {
    expect(await badInputPath(history.list('demo', null, { first } as PageRequest))).toEqual(['first']);
  });
});

(usingPostgres ? describe : describe.skip)('ExecutionHistory: one SQL statement per page (PostgreSQL)', () => {
  it('reads a filtered page after a cursor with a single query', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: test.url! }), log: [{ emit: 'event', level: 'query' }] });
    const statements: string[] = [];
    prisma.$on('query', (event) => statements.push(event.query));
    try {
      const logged = new ExecutionHistory({ prisma, sql: test.db.sql });
      const first = await logged.list('history-filters', { status: ['SUCCESS'] }, { first: 3 });
      statements.length = 0;
      const second = await logged.list(
        'history-filters',
        { status: ['SUCCESS', 'FAILED'], patternId: 'history_alpha', portfolioId: 'pf-demo-growth', from: new Date(0), to: new Date() },
        { first: 3, after: first.items[2].cursor },
      );
      expect(second.items.length).toBeGreaterThan(0);
      expect(statements.filter((s) => !/^(BEGIN|COMMIT|DEALLOCATE)/i.test(s.trim()))).toHaveLength(1);
      expect(statements[0]).toMatch(/ORDER BY .*"created_at" DESC, .*"id" DESC/);
    } finally {
      await prisma.$disconnect();
    }
  });
});
