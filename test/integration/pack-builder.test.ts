import { computePackHash, type PackContent } from '../../src/packs/pack-hash';
import { PackRepository } from '../../src/data/packs/pack-repository';
import { PackBuilder } from '../../src/packs/pack-builder';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { appError } from '../support/app-error';
import { upsertSecurities } from '../../src/securities/upsert-securities';

let test: TestDatabase;
let builder: PackBuilder;
let packs: PackRepository;

beforeAll(async () => {
  test = await openTestDatabase();
  builder = new PackBuilder(test.data);
  packs = new PackRepository(test.db);
  // A pack prices registered securities only: the pack builder registers what it prices first.
  const listing = (symbol: string, currency: string) => ({ symbol, name: symbol, currency, assetClass: 'EQUITY' });
  await upsertSecurities(test.data, { userId: 'pack-builder', tenantId: 'demo', traceId: 'setup', requestId: 'setup' }, [
    listing('TD.TO', 'CAD'),
    listing('RY.TO', 'CAD'),
    listing('SHOP.TO', 'CAD'),
    listing('AAPL', 'USD'),
  ]);
});
afterAll(async () => {
  await test?.close();
});

function content(date: string, overrides: Partial<PackContent> = {}): PackContent {
  return {
    date,
    policy: 'WM4PM_CAD',
    prices: [
      { symbol: 'TD.TO', close: 80.02, currency: 'CAD', source: 'FMP' },
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
      { symbol: 'RY.TO', close: 142.31, currency: 'CAD', source: 'FMP' },
    ],
    fxRates: [{ currency: 'USD', rate: 1.3612, source: 'FRED' }],
    ...overrides,
  };
}

/** The whole stored row as PostgreSQL renders it: any write shows up here, updated_at included. */
async function rawRow(id: string): Promise<string> {
  const [row] = await test.db.sql.query<{ json: string }>(`SELECT row_to_json(p)::text AS json FROM pricing_packs p WHERE id = $1`, [id]);
  expect(row).toBeDefined();
  return row.json;
}

async function rowCounts(): Promise<{ packs: number; prices: number; fx: number }> {
  const [row] = await test.db.sql.query<{ packs: number; prices: number; fx: number }>(
    `SELECT (SELECT count(*)::int FROM pricing_packs) AS packs,
            (SELECT count(*)::int FROM pack_prices) AS prices,
            (SELECT count(*)::int FROM pack_fx_rates) AS fx`,
  );
  return row;
}

describe('createPricingPack', () => {
  it('publishes a WARMING pack named after its date, hashed from its content', async () => {
    const input = content('2026-03-02');
    const pack = await builder.createPricingPack(input);

    expect(pack).toMatchObject({
      id: 'PP_2026-03-02',
      date: '2026-03-02',
      policy: 'WM4PM_CAD',
      status: 'WARMING',
      hash: computePackHash(input),
      supersededById: null,
      sources: ['FMP', 'FRED', 'Polygon'],
      isFresh: false,
      prewarmDone: false,
      reconciliationPassed: false,
      reconciliationFailed: false,
      reconciliationErrorBps: null,
      errorMessage: null,
    });
    expect(pack.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await packs.findById('PP_2026-03-02')).toEqual(pack);
  });

  it('stores its prices and FX rates', async () => {
    expect(await packs.prices('PP_2026-03-02')).toEqual([
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
      { symbol: 'RY.TO', close: 142.31, currency: 'CAD', source: 'FMP' },
      { symbol: 'TD.TO', close: 80.02, currency: 'CAD', source: 'FMP' },
    ]);
    expect(await packs.fxRates('PP_2026-03-02')).toEqual([{ currency: 'USD', rate: 1.3612, source: 'FRED' }]);
  });

  it('names a pack of another policy after the policy too, next to the standard one', async () => {
    const usd = content('2026-03-02', {
      policy: 'EOD_USD',
      prices: [{ symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' }],
      fxRates: [],
    });
    const pack = await builder.createPricingPack(usd);
    expect(pack).toMatchObject({ id: 'PP_2026-03-02_EOD_USD', policy: 'EOD_USD', status: 'WARMING', sources: ['Polygon'] });
    expect(pack.hash).toBe(computePackHash(usd));
    // The standard pack of that day is untouched.
    expect(await packs.findById('PP_2026-03-02')).toMatchObject({ status: 'WARMING', supersededById: null });
  });

  it('refuses invalid content with BAD_USER_INPUT and writes nothing', async () => {
    const before = await rowCounts();
    const error = await appError(
      builder.createPricingPack(
        content('2026-03-09', {
          prices: [
            { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
            { symbol: 'SHOP.TO', close: -3, currency: 'CAD', source: 'FMP' },
          ],
        }),
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.path).toEqual(['prices.1.close']);
    expect(await rowCounts()).toEqual(before);
    expect(await packs.findById('PP_2026-03-09')).toBeNull();
  });
});

describe('publishing again for the same date and policy', () => {
  it('supersedes the current pack: the new one is PP_<date>_r2 and WARMING, the old one STALE', async () => {
    const first = await builder.createPricingPack(content('2026-02-02'));
    await builder.markPackFresh(first.id);
    const second = await builder.createPricingPack(
      content('2026-02-02', { prices: [{ symbol: 'RY.TO', close: 142.5, currency: 'CAD', source: 'FMP' }], fxRates: [] }),
    );
    expect(second).toMatchObject({ id: 'PP_2026-02-02_r2', status: 'WARMING', supersededById: null });
    expect(await packs.findById(first.id)).toMatchObject({ status: 'STALE', supersededById: 'PP_2026-02-02_r2', isFresh: true });
    const third = await builder.createPricingPack(content('2026-02-02'));
    expect(third.id).toBe('PP_2026-02-02_r3');
    expect((await packs.findById('PP_2026-02-02_r2'))?.supersededById).toBe('PP_2026-02-02_r3');
    const current = await test.db.sql.query<{ id: string }>(
      `SELECT id FROM pricing_packs WHERE date = '2026-02-02' AND superseded_by IS NULL`,
    );
    expect(current).toEqual([{ id: 'PP_2026-02-02_r3' }]);
  });

  it('two concurrent publishes for one day end with exactly one current pack superseding the other', async () => {
    const [a, b] = await Promise.all([
      builder.createPricingPack(content('2026-02-09')),
      builder.createPricingPack(content('2026-02-09', { fxRates: [{ currency: 'USD', rate: 1.37, source: 'FRED' }] })),
    ]);
    expect([a.id, b.id].sort()).toEqual(['PP_2026-02-09', 'PP_2026-02-09_r2']);
    const rows = await test.db.sql.query<{ id: string; superseded_by: string | null }>(
      `SELECT id, superseded_by FROM pricing_packs WHERE date = '2026-02-09' ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'PP_2026-02-09', superseded_by: 'PP_2026-02-09_r2' },
      { id: 'PP_2026-02-09_r2', superseded_by: null },
    ]);
  });
});

describe('markPackFresh', () => {
  beforeAll(async () => {
    await builder.createPricingPack(content('2026-03-03'));
  });

  it('turns a warming pack FRESH, prewarmed and reconciled', async () => {
    const before = await packs.findById('PP_2026-03-03');
    const pack = await builder.markPackFresh('PP_2026-03-03');
    expect(pack).toMatchObject({ id: 'PP_2026-03-03', status: 'FRESH', isFresh: true, prewarmDone: true, reconciliationPassed: true });
    expect(pack.hash).toBe(before!.hash);
    expect(pack.updatedAt.getTime()).toBeGreaterThanOrEqual(before!.updatedAt.getTime());
    expect(await packs.findById('PP_2026-03-03')).toEqual(pack);
  });

  it('is idempotent: a second call returns the pack and writes nothing', async () => {
    const before = await rawRow('PP_2026-03-03');
    const again = await builder.markPackFresh('PP_2026-03-03');
    expect(again.status).toBe('FRESH');
    expect(await rawRow('PP_2026-03-03')).toBe(before);
  });

  it('records the reconciliation error in basis points when given', async () => {
    const pack = await builder.markPackFresh('PP_2026-03-03', 1.25);
    expect(pack).toMatchObject({ status: 'FRESH', reconciliationErrorBps: 1.25 });
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 1_000_001, Number.MAX_VALUE])(
    'refuses a reconciliation error of %p, writing nothing',
    async (bps) => {
      const before = await rawRow('PP_2026-03-03');
      const error = await appError(builder.markPackFresh('PP_2026-03-03', bps));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.path).toEqual(['reconciliationErrorBps']);
      expect(await rawRow('PP_2026-03-03')).toBe(before);
    },
  );
});

describe('markPackError', () => {
  beforeAll(async () => {
    await builder.createPricingPack(content('2026-03-04'));
  });

  it('turns the pack ERROR with the (trimmed) message', async () => {
    const pack = await builder.markPackError('PP_2026-03-04', '  USD/CAD off by 40 bps against FRED \n');
    expect(pack).toMatchObject({
      status: 'ERROR',
      reconciliationFailed: true,
      reconciliationPassed: false,
      isFresh: false,
      errorMessage: 'USD/CAD off by 40 bps against FRED',
    });
    expect(await packs.findById('PP_2026-03-04')).toEqual(pack);
  });

  it('is then refused by markPackFresh with PRICING_PACK_ERROR, and the row stays exactly as it was', async () => {
    const before = await rawRow('PP_2026-03-04');
    const error = await appError(builder.markPackFresh('PP_2026-03-04'));
    expect(error.code).toBe('PRICING_PACK_ERROR');
    expect(error.extensions).toEqual({ packId: 'PP_2026-03-04', errorMessage: 'USD/CAD off by 40 bps against FRED' });
    expect(error.message).toMatch(/PP_2026-03-04/);
    expect(await rawRow('PP_2026-03-04')).toBe(before);
  });

  it('accepts a message of exactly 2000 characters', async () => {
    await builder.createPricingPack(content('2026-03-05'));
    const pack = await builder.markPackError('PP_2026-03-05', 'e'.repeat(2000));
    expect(pack.errorMessage).toHaveLength(2000);
  });

  describe('with a bad message', () => {
    beforeAll(async () => {
      await builder.createPricingPack(content('2026-03-06'));
    });

    it.each([
      ['empty', ''],
      ['blank', '  \n\t '],
      ['2001 characters', 'e'.repeat(2001)],
    ])('refuses a message that is %s with BAD_USER_INPUT, writing nothing', async (_what, message) => {
      const before = await rawRow('PP_2026-03-06');
      const error = await appError(builder.markPackError('PP_2026-03-06', message));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.path).toEqual(['message']);
      expect(await rawRow('PP_2026-03-06')).toBe(before);
    });
  });
});

describe('a superseded pack', () => {
  beforeAll(async () => {
    // A restated day as the database holds it (written in one statement, the way the seed does).
    // The replacement's hash is its content's (no rows): marking it fresh checks that.
    const empty = computePackHash({ date: '2026-03-10', policy: 'WM4PM_CAD', prices: [], fxRates: [] });
    await test.db.sql.query(
      `INSERT INTO pricing_packs (id, date, policy, hash, superseded_by) VALUES
         ('PP_2026-03-10_r2', '2026-03-10', 'WM4PM_CAD', $1, NULL),
         ('PP_2026-03-10', '2026-03-10', 'WM4PM_CAD', 'sha256:r1', 'PP_2026-03-10_r2')`,
      [empty],
    );
  });

  it('cannot be marked fresh (BAD_USER_INPUT), and stays as it was', async () => {
    const before = await rawRow('PP_2026-03-10');
    const error = await appError(builder.markPackFresh('PP_2026-03-10'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.path).toEqual(['id']);
    expect(error.message).toMatch(/superseded by PP_2026-03-10_r2/);
    expect(await rawRow('PP_2026-03-10')).toBe(before);
    expect((await packs.findById('PP_2026-03-10'))?.status).toBe('STALE');
  });

  it('does not stop its replacement from being marked fresh', async () => {
    expect((await builder.markPackFresh('PP_2026-03-10_r2')).status).toBe('FRESH');
  });
});

describe('an unknown pack id', () => {
  it('is NO_PRICING_PACK for markPackFresh', async () => {
    const error = await appError(builder.markPackFresh('PP_1999-01-01'));
    expect(error.code).toBe('NO_PRICING_PACK');
    expect(error.extensions).toEqual({ packId: 'PP_1999-01-01' });
  });

  it('is NO_PRICING_PACK for markPackError, creating nothing', async () => {
    const before = await rowCounts();
    const error = await appError(builder.markPackError('PP_1999-01-01', 'broken'));
    expect(error.code).toBe('NO_PRICING_PACK');
    expect(await rowCounts()).toEqual(before);
  });
});
