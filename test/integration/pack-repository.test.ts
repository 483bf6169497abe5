import { PackRepository, type PricingPackRecord } from '../../src/data/packs/pack-repository';
import { PortfolioRepository } from '../../src/data/portfolios/portfolio-repository';
import { DEMO_LAST_DATE, DEMO_RESTATED_DATE } from '../../src/demo/demo-dataset';
import { seedDemoData } from '../../src/demo/seed-demo';
import { AppError } from '../../src/shared/errors';
import { encodeCursor } from '../../src/shared/pagination';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let test: TestDatabase;
let packs: PackRepository;
let portfolios: PortfolioRepository;

beforeAll(async () => {
  test = await openTestDatabase();
  const seeded = await seedDemoData(test.data);
  expect(seeded.seeded).toBe(true);
  packs = new PackRepository(test.db);
  portfolios = new PortfolioRepository(test.db);
});
afterAll(async () => {
  await test?.close();
});

const query = <Row>(sql: string, params: unknown[] = []) => test.db.sql.query<Row>(sql, params);

/** Every pack id, newest first, as the database orders them: the order list() must follow. */
async function idsNewestFirst(): Promise<string[]> {
  const rows = await query<{ id: string }>(`SELECT id FROM pricing_packs ORDER BY date DESC, created_at DESC, id DESC`);
  return rows.map((r) => r.id);
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

async function pageThrough(first: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await packs.list({ first, after });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(first);
    ids.push(...page.items.map((i) => i.node.id));
    if (!page.hasNextPage) return { ids, pages };
    expect(page.items).toHaveLength(first);
    after = page.items[page.items.length - 1].cursor;
  }
}

describe('PackRepository.findLatest', () => {
  it('returns the current pack of the newest date', async () => {
    const latest = await packs.findLatest();
    expect(latest).toMatchObject({ date: DEMO_LAST_DATE, supersededById: null, status: 'FRESH' });
  });

  it('ignores a newer pack that has been superseded', async () => {
    await query(
      `INSERT INTO pricing_packs (id, date, policy, hash, superseded_by)
       VALUES ('PP_2099-01-01_withdrawn', '2099-01-01', 'WM4PM_CAD', 'sha256:w', (SELECT id FROM pricing_packs WHERE date = $1 AND superseded_by IS NULL))`,
      [DEMO_LAST_DATE],
    );
    expect((await packs.findLatest())?.date).toBe(DEMO_LAST_DATE);
  });

  it('prefers the newest date over the most recently published pack', async () => {
    await query(
      `INSERT INTO pricing_packs (id, date, policy, hash, created_at) VALUES ('PP_backfill', '2020-01-01', 'WM4PM_CAD', 'sha256:b', now() + interval '1 day')`,
    );
    expect((await packs.findLatest())?.date).toBe(DEMO_LAST_DATE);
  });

  it('returns a warming pack when that is the newest current one', async () => {
    await query(`INSERT INTO pricing_packs (id, date, policy, hash) VALUES ('PP_2098-12-31', '2098-12-31', 'WM4PM_CAD', 'sha256:n')`);
    expect(await packs.findLatest()).toMatchObject({ id: 'PP_2098-12-31', status: 'WARMING' });
  });
});

describe('PackRepository.findById / findByIds', () => {
  it('maps a stored row to a record, superseded pointer included', async () => {
    const [stale] = await query<{ id: string; superseded_by: string }>(
      `SELECT id, superseded_by FROM pricing_packs WHERE date = $1 AND superseded_by IS NOT NULL`,
      [DEMO_RESTATED_DATE],
    );
    const record = await packs.findById(stale.id);
    expect(record).toMatchObject<Partial<PricingPackRecord>>({
      id: stale.id,
      date: DEMO_RESTATED_DATE,
      status: 'STALE',
      supersededById: stale.superseded_by,
    });
    expect(record!.sources.length).toBeGreaterThan(0);
    expect(await packs.findById('PP_1900-01-01')).toBeNull();
  });

  it('finds several packs at once and skips unknown ids', async () => {
    const found = await packs.findByIds(['PP_2098-12-31', 'PP_backfill', 'PP_missing']);
    expect(found.map((p) => p.id).sort()).toEqual(['PP_2098-12-31', 'PP_backfill']);
  });
});

describe('PackRepository.list', () => {
  it('visits every pack exactly once, newest first, seven at a time', async () => {
    const expected = await idsNewestFirst();
    expect(expected.length).toBeGreaterThan(250); // a year of business days, plus the packs added above

    const { ids, pages } = await pageThrough(7);
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('pages the same with the default page size of 20', async () => {
    const first = await packs.list({});
    expect(first.items).toHaveLength(20);
    expect(first.items.map((i) => i.node.id)).toEqual((await idsNewestFirst()).slice(0, 20));
  });

  it('gives stable cursors: the same cursor gives the same page', async () => {
    const first = await packs.list({ first: 7 });
    const cursor = first.items[6].cursor;
    const a = await packs.list({ first: 7, after: cursor });
    const b = await packs.list({ first: 7, after: cursor });
    expect(b).toEqual(a);
    expect(a.items[0].node.id).toBe((await idsNewestFirst())[7]);
  });

  it('keeps its place when a newer pack is published while a client pages', async () => {
    const before = await idsNewestFirst();
    const first = await packs.list({ first: 7 });
    await query(`INSERT INTO pricing_packs (id, date, policy, hash) VALUES ('PP_2100-01-01', '2100-01-01', 'WM4PM_CAD', 'sha256:new')`);
    const second = await packs.list({ first: 7, after: first.items[6].cursor });
    expect(second.items.map((i) => i.node.id)).toEqual(before.slice(7, 14));
  });

  it('orders packs of one date by publication time, then id, across page boundaries', async () => {
    // Three packs of one day: two published at the same instant, one later.
    await query(
      `INSERT INTO pricing_packs (id, date, policy, hash, created_at, superseded_by) VALUES
         ('PP_2101-01-01_C', '2101-01-01', 'WM4PM_CAD', 'h', '2030-01-01T00:00:05Z', NULL),
         ('PP_2101-01-01_A', '2101-01-01', 'WM4PM_CAD', 'h', '2030-01-01T00:00:00Z', 'PP_2101-01-01_C'),
         ('PP_2101-01-01_B', '2101-01-01', 'WM4PM_CAD', 'h', '2030-01-01T00:00:00Z', 'PP_2101-01-01_C')`,
    );
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 4; i++) {
      const page = await packs.list({ first: 1, after });
      seen.push(page.items[0].node.id);
      after = page.items[0].cursor;
    }
    expect(seen).toEqual(['PP_2101-01-01_C', 'PP_2101-01-01_B', 'PP_2101-01-01_A', 'PP_2100-01-01']);
  });

  it('with first: 0 returns no packs but says there are some', async () => {
    expect(await packs.list({ first: 0 })).toEqual({ items: [], hasNextPage: true });
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a cursor of another connection', encodeCursor(['pf-demo-growth'])],
    ['a cursor with a bad date', encodeCursor(['yesterday', '2030-01-01T00:00:00.000Z', 'PP_x'])],
    ['a cursor with a bad timestamp', encodeCursor(['2026-01-02', 'noon', 'PP_x'])],
  ])('rejects %s as BAD_USER_INPUT on after', async (_what, after) => {
    expect(await badInputPath(packs.list({ first: 7, after }))).toEqual(['after']);
  });

  it.each([-1, 101])('rejects first: %p as BAD_USER_INPUT on first', async (first) => {
    expect(await badInputPath(packs.list({ first }))).toEqual(['first']);
  });
});

describe('PackRepository prices and FX rates', () => {
  it('returns a demo pack’s prices by symbol and its USD rate', async () => {
    const latest = (
      await query<{ id: string }>(`SELECT id FROM pricing_packs WHERE date = $1 AND superseded_by IS NULL`, [DEMO_LAST_DATE])
    )[0];
    const prices = await packs.prices(latest.id);
    expect(prices.length).toBeGreaterThan(10);
    expect(prices.map((p) => p.symbol)).toEqual([...prices.map((p) => p.symbol)].sort());
    expect(await packs.fxRates(latest.id)).toEqual([{ currency: 'USD', rate: expect.any(Number), source: 'FRED' }]);
  });
});

describe('PortfolioRepository is scoped to one tenant', () => {
  beforeAll(async () => {
    await test.db.prisma.portfolio.createMany({
      data: [
        { id: 'pf-demo-aaa', tenantId: 'demo', name: 'Demo A', baseCurrency: 'CAD', ledgerHead: 'none' },
        { id: 'pf-demo-zzz', tenantId: 'demo', name: 'Demo Z', baseCurrency: 'USD', ledgerHead: 'none' },
        { id: 'pf-other-mmm', tenantId: 'other', name: 'Other M', baseCurrency: 'CAD', ledgerHead: 'none' },
      ],
    });
  });

  it('finds a portfolio of the tenant', async () => {
    expect(await portfolios.findForTenant('demo', 'pf-demo-growth')).toEqual({
      id: 'pf-demo-growth',
      tenantId: 'demo',
      name: 'Demo Growth',
      baseCurrency: 'CAD',
      ledgerHead: expect.stringMatching(/\S/),
      description: null,
      createdAt: expect.any(Date),
      archivedAt: null,
    });
  });

  it('does not find another tenant’s portfolio, as if it did not exist', async () => {
    expect(await portfolios.findForTenant('other', 'pf-demo-growth')).toBeNull();
    expect(await portfolios.findForTenant('demo', 'pf-other-income')).toBeNull();
    expect(await portfolios.findForTenant('demo', 'pf-nowhere')).toBeNull();
  });

  it('lists only the tenant’s portfolios, by id', async () => {
    const demo = await portfolios.listForTenant('demo', {});
    expect(demo.items.map((i) => i.node.id)).toEqual(['pf-demo-aaa', 'pf-demo-growth', 'pf-demo-zzz']);
    expect(demo.hasNextPage).toBe(false);
    const other = await portfolios.listForTenant('other', {});
    expect(other.items.map((i) => i.node.id)).toEqual(['pf-other-income', 'pf-other-mmm']);
    expect(await portfolios.listForTenant('nobody', {})).toEqual({ items: [], hasNextPage: false });
  });

  it('pages through the tenant’s portfolios without leaking the other tenant’s', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await portfolios.listForTenant('demo', { first: 1, after });
      seen.push(...page.items.map((i) => i.node.id));
      if (!page.hasNextPage) break;
      after = page.items[0].cursor;
    }
    expect(seen).toEqual(['pf-demo-aaa', 'pf-demo-growth', 'pf-demo-zzz']);
  });

  it('does not let a cursor naming another tenant’s portfolio reach into it', async () => {
    const page = await portfolios.listForTenant('demo', { after: encodeCursor(['pf-demo-growth']) });
    expect(page.items.map((i) => i.node.id)).toEqual(['pf-demo-zzz']);
    const crafted = await portfolios.listForTenant('demo', { after: encodeCursor(['pf-other-income']) });
    expect(crafted.items.every((i) => i.node.tenantId === 'demo')).toBe(true);
  });

  it('rejects a bad cursor as BAD_USER_INPUT', async () => {
    expect(await badInputPath(portfolios.listForTenant('demo', { after: 'garbage' }))).toEqual(['after']);
  });
});
