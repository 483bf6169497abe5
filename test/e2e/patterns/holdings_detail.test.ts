import { AppendLedgerEntriesDocument, RunHoldingsDetailDocument, UpsertSecuritiesDocument } from '../../generated/operations';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: holdings_detail through the API — a USD holding bought in two lots at different
 * USDCAD rates and partly sold, beside a CAD holding and cash in both currencies.
 */
const SECURITIES = [
  { symbol: 'P20HU', name: 'P20 holdings USD', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
  { symbol: 'P20HA', name: 'P20 holdings CAD', currency: 'CAD', assetClass: 'ETF', exchange: 'TSX' },
];

describe('holdings_detail', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20H', SECURITIES);
  let packId: string;
  let portfolioId: string;
  type Row = Record<string, any>;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    await f.publish(
      policy,
      '2024-03-01',
      [
        ['P20HU', 100],
        ['P20HA', 40],
      ],
      { USD: 1.3 },
    );
    await f.publish(
      policy,
      '2024-04-01',
      [
        ['P20HU', 110],
        ['P20HA', 40],
      ],
      { USD: 1.32 },
    );
    packId = await f.publish(
      policy,
      '2024-05-01',
      [
        ['P20HU', 120],
        ['P20HA', 45],
      ],
      { USD: 1.4 },
    );
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: '2024-03-01', currency: 'USD', amount: 5_000 },
      { kind: 'DEPOSIT', tradeDate: '2024-03-01', currency: 'CAD', amount: 3_000 },
      { kind: 'BUY', tradeDate: '2024-03-01', symbol: 'P20HU', quantity: 20, price: 100, currency: 'USD' },
      { kind: 'BUY', tradeDate: '2024-03-01', symbol: 'P20HA', quantity: 50, price: 40, currency: 'CAD' },
      { kind: 'BUY', tradeDate: '2024-04-01', symbol: 'P20HU', quantity: 20, price: 110, currency: 'USD' },
      // Between packs: booked at the 2024-04-01 rate (the newest on or before the trade date).
      { kind: 'SELL', tradeDate: '2024-04-15', symbol: 'P20HU', quantity: 10, price: 115, currency: 'USD' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run() {
    const response = await t.request(RunHoldingsDetailDocument, { inputs: { portfolioId }, packId }, { as: 'demo-analyst' });
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  // Independently: average cost 105 USD; the sale takes a quarter of both books out.
  const bookCad = (20 * 100 * 1.3 + 20 * 110 * 1.32) * 0.75;
  const bookRate = bookCad / (30 * 105);
  const usdValueCad = 30 * 120 * 1.4;
  const cashCad = (5_000 - 2_000 - 2_200 + 1_150) * 1.4 + (3_000 - 2_000);
  const total = usdValueCad + 50 * 45 + cashCad;

  it('the USD holding: quantity, price, value in USD and CAD, weight, book cost at trade-date FX, P&L split', async () => {
    const execution = await run();
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result.baseCurrency).toBe('CAD');
    const usd = result.holdings.find((h: Row) => h.symbol === 'P20HU');
    expect(usd).toMatchObject({ name: 'P20 holdings USD', assetClass: 'EQUITY', currency: 'USD', quantity: 30, price: 120, fxRate: 1.4 });
    expect(usd.averageCost).toBeCloseTo(105, 8);
    expect(usd.costBasis).toBeCloseTo(3_150, 6);
    expect(usd.marketValue).toBeCloseTo(3_600, 6);
    expect(usd.unrealisedPnl).toBeCloseTo(450, 6);
    expect(usd.marketValueBase).toBeCloseTo(usdValueCad, 6);
    expect(usd.weight).toBeCloseTo(usdValueCad / total, 8);
    expect(usd.costBasisBase).toBeCloseTo(bookCad, 6);
    expect(usd.bookFxRate).toBeCloseTo(bookRate, 8);
    expect(usd.unrealisedPnlBase).toBeCloseTo(usdValueCad - bookCad, 6);
    expect(usd.unrealisedPriceEffectBase).toBeCloseTo((3_600 - 3_150) * bookRate, 6);
    expect(usd.unrealisedCurrencyEffectBase).toBeCloseTo(3_600 * (1.4 - bookRate), 6);
    expect(usd.returns.local).toBeCloseTo(3_600 / 3_150 - 1, 8);
    expect(usd.returns.fx).toBeCloseTo(1.4 / bookRate - 1, 8);
    // The sale of 10 at USD 115 on 2024-04-15, at 1.32, against a quarter of the book.
    expect(usd.realisedPnlBase.total).toBeCloseTo(1_150 * 1.32 - bookCad / 3, 6);
    expect(usd.realisedPnlBase.priceEffect).toBeCloseTo((1_150 - 1_050) * bookRate, 6);
  });

  it('the CAD holding is all price effect; cash and totals add up', async () => {
    const result = (await run()).result as Row;
    const cad = result.holdings.find((h: Row) => h.symbol === 'P20HA');
    expect(cad).toMatchObject({ name: 'P20 holdings CAD', assetClass: 'ETF', quantity: 50, price: 45, fxRate: 1 });
    expect(cad.marketValueBase).toBeCloseTo(2_250, 6);
    expect(cad.costBasisBase).toBeCloseTo(2_000, 6);
    expect(cad.unrealisedPriceEffectBase).toBeCloseTo(250, 6);
    expect(cad.unrealisedCurrencyEffectBase).toBe(0);
    expect(result.cash).toEqual(
      expect.arrayContaining([
        { currency: 'USD', amount: 1_950, amountBase: expect.closeTo(1_950 * 1.4, 6) },
        { currency: 'CAD', amount: 1_000, amountBase: 1_000 },
      ]),
    );
    expect(result.totals.totalValueBase).toBeCloseTo(total, 6);
    expect(result.totals.cashValueBase).toBeCloseTo(cashCad, 6);
    expect(result.totals.costBasisBase).toBeCloseTo(bookCad + 2_000, 6);
    expect(result.totals.pnlBase.unrealised.total).toBeCloseTo(usdValueCad - bookCad + 250, 6);
    const weights = result.holdings.reduce((sum: number, h: Row) => sum + h.weight, 0);
    expect(weights).toBeCloseTo((usdValueCad + 2_250) / total, 8);
  });

  it('costs one credit like the other patterns and reproduces byte for byte', async () => {
    const first = await run();
    expect(first.creditsConsumed).toBe(1);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -1 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'FRED']));
    const again = await run();
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });

  it('reads reference data as of its pack and ledger commit: a later rename leaves a rerun as it was, a later commit reads it', async () => {
    const own = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: '2024-03-01', currency: 'CAD', amount: 1_000 },
      { kind: 'BUY', tradeDate: '2024-03-01', symbol: 'P20HA', quantity: 10, price: 40, currency: 'CAD' },
    ]);
    const runOn = async (ledgerCommit?: string) => {
      const response = await t.request(RunHoldingsDetailDocument, { inputs: { portfolioId: own }, packId, ledgerCommit }, { as: 'demo-analyst' });
      expect(response.errors).toBeUndefined();
      return response.data!.executePattern!;
    };
    const held = (execution: { result?: unknown }) => (execution.result as Row).holdings.find((h: Row) => h.symbol === 'P20HA');
    const before = await runOn();
    expect(held(before)).toMatchObject({ name: 'P20 holdings CAD', assetClass: 'ETF' });

    const renamed = await t.request(
      UpsertSecuritiesDocument,
      { input: [{ ...SECURITIES[1], name: 'P20 renamed', assetClass: 'FUND' }] },
      { as: 'pack-builder' },
    );
    expect(renamed.errors).toBeUndefined();
    const rerun = await runOn();
    expect(held(rerun)).toMatchObject({ name: 'P20 holdings CAD', assetClass: 'ETF' });
    expect(rerun.resultSha256).toBe(before.resultSha256);

    const appended = await t.request(
      AppendLedgerEntriesDocument,
      { portfolioId: own, entries: [{ kind: 'DEPOSIT', tradeDate: '2024-03-02', currency: 'CAD', amount: 1 }], message: 'after the rename' },
      { as: 'demo-analyst' },
    );
    expect(appended.errors).toBeUndefined();
    const after = await runOn();
    expect(held(after)).toMatchObject({ name: 'P20 renamed', assetClass: 'FUND' });
    // Pinned to the commit the first run read, the run is that run again, byte for byte.
    const pinned = await runOn(before.metadata!.ledgerCommitHash);
    expect(pinned.resultSha256).toBe(before.resultSha256);
  });
});
