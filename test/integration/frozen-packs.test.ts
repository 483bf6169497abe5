// Issue 17: a pack that left WARMING is immutable in fact — the database refuses every write of its
// prices and FX rates, whoever sends it — and its hash is checked against its rows where it matters.
import { PackBuilder } from '../../src/packs/pack-builder';
import { PackVerifier } from '../../src/packs/pack-verifier';
import type { PackContent } from '../../src/packs/pack-hash';
import { upsertSecurities } from '../../src/securities/upsert-securities';
import { appError } from '../support/app-error';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let test: TestDatabase;
let builder: PackBuilder;

beforeAll(async () => {
  test = await openTestDatabase();
  builder = new PackBuilder(test.data);
  const listing = (symbol: string, currency: string) => ({ symbol, name: symbol, currency, assetClass: 'EQUITY' });
  await upsertSecurities(test.data, { userId: 'pack-builder', tenantId: 'demo', traceId: 'setup', requestId: 'setup' }, [
    listing('RY.TO', 'CAD'),
    listing('TD.TO', 'CAD'),
    listing('AAPL', 'USD'),
  ]);
});
afterAll(async () => {
  await test?.close();
});

function content(date: string): PackContent {
  return {
    date,
    policy: 'WM4PM_CAD',
    prices: [
      { symbol: 'RY.TO', close: 142.31, currency: 'CAD', source: 'FMP' },
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
    ],
    fxRates: [{ currency: 'USD', rate: 1.3612, source: 'FRED' }],
  };
}

/** The SQLSTATE and message a statement fails with (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: String(code), message };
  }
  throw new Error('expected the statement to fail');
}

const rows = async (packId: string) =>
  JSON.stringify(
    await test.owner.query(
      `SELECT (SELECT json_agg(p ORDER BY symbol) FROM pack_prices p WHERE pack_id = $1) AS prices,
              (SELECT json_agg(f ORDER BY currency) FROM pack_fx_rates f WHERE pack_id = $1) AS fx`,
      [packId],
    ),
  );

describe('a fresh pack', () => {
  let id: string;
  let identity: unknown[];
  beforeAll(async () => {
    id = (await builder.createPricingPack(content('2026-04-01'))).id;
    await builder.markPackFresh(id);
    identity = await test.owner.query(`SELECT date, policy, sources, created_at, status FROM pricing_packs WHERE id = $1`, [id]);
  });

  it.each([
    ['doubling its prices', `UPDATE pack_prices SET close = close * 2 WHERE pack_id = $1`],
    ['deleting a price', `DELETE FROM pack_prices WHERE pack_id = $1 AND symbol = 'AAPL'`],
    ['changing an FX rate', `UPDATE pack_fx_rates SET rate = 1 WHERE pack_id = $1`],
    ['deleting its FX rates', `DELETE FROM pack_fx_rates WHERE pack_id = $1`],
    ['deleting the pack (its rows would go by cascade)', `DELETE FROM pricing_packs WHERE id = $1`],
    ['clearing is_fresh (WARMING again would make its rows writable)', `UPDATE pricing_packs SET is_fresh = false WHERE id = $1`],
    // What places the pack among the others (the latest pack, a series' packs, a pinned run's
    // cut-off) or names it: a result pinned to it would change without its rows changing.
    ['moving it to another date', `UPDATE pricing_packs SET date = date - 1 WHERE id = $1`],
    ['changing its policy', `UPDATE pricing_packs SET policy = 'WM4PM_USD' WHERE id = $1`],
    ['changing its sources', `UPDATE pricing_packs SET sources = '["FMP"]' WHERE id = $1`],
    ['backdating its created_at', `UPDATE pricing_packs SET created_at = created_at - interval '1 day' WHERE id = $1`],
    ['renaming it', `UPDATE pricing_packs SET id = id || '_renamed' WHERE id = $1`],
  ])('refuses %s, even to the tables’ owner', async (_what, statement) => {
    const before = await rows(id);
    const error = await failure(test.owner.query(statement, [id]));
    expect(error.code).toBe('23514');
    expect(error.message).toContain(id);
    expect(await rows(id)).toBe(before);
    expect(await test.owner.query(`SELECT date, policy, sources, created_at, status FROM pricing_packs WHERE id = $1`, [id])).toEqual(
      identity,
    );
  });

  it('refuses a new price or FX rate, from the application role too', async () => {
    const price = await failure(
      test.db.sql.query(`INSERT INTO pack_prices (pack_id, symbol, close, currency, source) VALUES ($1, 'TD.TO', 80, 'CAD', 'FMP')`, [id]),
    );
    expect(price).toMatchObject({ code: '23514', message: expect.stringMatching(/is fresh and immutable: INSERT on pack_prices/) });
    const fx = await failure(
      test.db.sql.query(`INSERT INTO pack_fx_rates (pack_id, currency, rate, source) VALUES ($1, 'EUR', 1.5, 'FRED')`, [id]),
    );
    expect(fx.code).toBe('23514');
  });

  it('refuses moving a warming pack’s row into it', async () => {
    const warming = (await builder.createPricingPack(content('2026-04-02'))).id;
    const error = await failure(
      test.owner.query(`UPDATE pack_prices SET pack_id = $1 WHERE pack_id = $2 AND symbol = 'RY.TO'`, [id, warming]),
    );
    expect(error.code).toBe('23514');
  });

  it('refuses TRUNCATE of the rows', async () => {
    expect((await failure(test.owner.query(`TRUNCATE pack_prices`))).code).toBe('23514');
    expect((await failure(test.owner.query(`TRUNCATE pack_fx_rates`))).code).toBe('23514');
  });

  it('still takes the flag changes of its life: failed reconciliation figures, then superseded', async () => {
    const pack = (await builder.createPricingPack(content('2026-04-03'))).id;
    await builder.markPackFresh(pack);
    await test.owner.query(`UPDATE pricing_packs SET reconciliation_error_bps = 12.5, prewarm_done = true WHERE id = $1`, [pack]);
    await builder.markPackError(pack, 'close off by 12.5 bps');
    expect((await test.data.packs.findById(pack))?.status).toBe('ERROR');
  });

  it('keeps its rows frozen once superseded and marked failed too', async () => {
    const replacement = await builder.createPricingPack(content('2026-04-01'));
    expect((await failure(test.owner.query(`UPDATE pack_prices SET close = close + 1 WHERE pack_id = $1`, [id]))).message).toMatch(
      /is stale and immutable/,
    );
    await builder.markPackError(replacement.id, 'bad close');
    expect(
      (await failure(test.owner.query(`UPDATE pack_prices SET close = close + 1 WHERE pack_id = $1`, [replacement.id]))).message,
    ).toMatch(/is error and immutable/);
  });
});

describe('a warming pack', () => {
  it('may still be changed, and is then refused when marked fresh: its rows no longer give its hash', async () => {
    const pack = await builder.createPricingPack(content('2026-04-06'));
    await test.owner.query(`UPDATE pack_prices SET close = close * 2 WHERE pack_id = $1`, [pack.id]);
    const error = await appError(builder.markPackFresh(pack.id));
    expect(error.code).toBe('PRICING_PACK_HASH_MISMATCH');
    expect(error.extensions).toMatchObject({ packId: pack.id, hash: pack.hash });
    expect((await test.data.packs.findById(pack.id))?.status).toBe('WARMING');
  });

  it('with its rows as published is marked fresh', async () => {
    const pack = await builder.createPricingPack(content('2026-04-07'));
    expect((await builder.markPackFresh(pack.id)).status).toBe('FRESH');
  });
});

describe('PackVerifier (the check before a run uses a pack)', () => {
  it('refuses a fresh pack whose rows were changed behind the triggers’ back, and keeps an intact verdict', async () => {
    const intact = await builder.createPricingPack(content('2026-04-08'));
    const tampered = await builder.createPricingPack(content('2026-04-09'));
    await builder.markPackFresh(intact.id);
    const fresh = await builder.markPackFresh(tampered.id);
    // Only the owner can do this: disable the guard, change a price, put the guard back.
    await test.owner.query(`ALTER TABLE pack_prices DISABLE TRIGGER pack_prices_frozen`);
    await test.owner.query(`UPDATE pack_prices SET close = close * 2 WHERE pack_id = $1`, [tampered.id]);
    await test.owner.query(`ALTER TABLE pack_prices ENABLE TRIGGER pack_prices_frozen`);

    const verifier = new PackVerifier(test.data.packs);
    await expect(verifier.verify((await test.data.packs.findById(intact.id))!)).resolves.toBeUndefined();
    const error = await appError(verifier.verify(fresh));
    expect(error).toMatchObject({ code: 'PRICING_PACK_HASH_MISMATCH', extensions: { packId: tampered.id, hash: tampered.hash } });
  });
});
