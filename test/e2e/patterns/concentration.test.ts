import { ExecutePatternDocument, RunConcentrationDocument } from '../../generated/operations';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/** Issue 20: concentration through the API — four holdings in three asset classes and two currencies, and cash. */
const SECURITIES = [
  { symbol: 'P20KA', name: 'P20 concentration A', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'P20KB', name: 'P20 concentration B', currency: 'CAD', assetClass: 'ETF', exchange: 'TSX' },
  { symbol: 'P20KU', name: 'P20 concentration U', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
  { symbol: 'P20KF', name: 'P20 concentration F', currency: 'CAD', assetClass: 'FIXED_INCOME', exchange: 'TSX' },
];

describe('concentration', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20K', SECURITIES);
  let packId: string;
  let portfolioId: string;
  type Row = Record<string, any>;

  // Independently: A 5,000, B 3,000, U 10 × USD 100 × 1.35 = 1,350, F 500; CAD cash 1,500.
  const values = { P20KA: 5_000, P20KB: 3_000, P20KU: 1_350, P20KF: 500 };
  const invested = 9_850;
  const total = 11_350;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    packId = await f.publish(
      policy,
      '2024-07-02',
      [
        ['P20KA', 50],
        ['P20KB', 30],
        ['P20KU', 100],
        ['P20KF', 25],
      ],
      { USD: 1.35 },
    );
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: '2024-07-02', currency: 'CAD', amount: 10_000 },
      { kind: 'DEPOSIT', tradeDate: '2024-07-02', currency: 'USD', amount: 1_000 },
      { kind: 'BUY', tradeDate: '2024-07-02', symbol: 'P20KA', quantity: 100, price: 50, currency: 'CAD' },
      { kind: 'BUY', tradeDate: '2024-07-02', symbol: 'P20KB', quantity: 100, price: 30, currency: 'CAD' },
      { kind: 'BUY', tradeDate: '2024-07-02', symbol: 'P20KU', quantity: 10, price: 100, currency: 'USD' },
      { kind: 'BUY', tradeDate: '2024-07-02', symbol: 'P20KF', quantity: 20, price: 25, currency: 'CAD' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(inputs: Record<string, unknown> = {}) {
    const response = await t.request(RunConcentrationDocument, { inputs: { portfolioId, ...inputs }, packId }, { as: 'demo-analyst' });
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  it('top-N, the Herfindahl index and the exposures by security, asset class and currency', async () => {
    const execution = await run({ topN: 2 });
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result.totalValueBase).toBeCloseTo(total, 6);
    expect(result.topHoldings.map((h: Row) => h.key)).toEqual(['P20KA', 'P20KB']);
    expect(result.topNWeight).toBeCloseTo(8_000 / total, 8);
    const hhi = Object.values(values).reduce((sum, v) => sum + (v / invested) ** 2, 0);
    expect(result.herfindahl).toBeCloseTo(hhi, 8);
    expect(result.effectiveNumberOfHoldings).toBeCloseTo(1 / hhi, 6);
    expect(result.bySecurity.map((s: Row) => [s.key, s.weight])).toEqual(
      ['P20KA', 'P20KB', 'P20KU', 'P20KF'].map((k) => [k, expect.closeTo(values[k as keyof typeof values] / total, 8)]),
    );
    expect(result.byAssetClass.map((s: Row) => [s.key, s.weight])).toEqual([
      ['EQUITY', expect.closeTo(6_350 / total, 8)],
      ['ETF', expect.closeTo(3_000 / total, 8)],
      ['CASH', expect.closeTo(1_500 / total, 8)],
      ['FIXED_INCOME', expect.closeTo(500 / total, 8)],
    ]);
    expect(result.byCurrency.map((s: Row) => [s.key, s.weight])).toEqual([
      ['CAD', expect.closeTo(10_000 / total, 8)],
      ['USD', expect.closeTo(1_350 / total, 8)],
    ]);
    expect(result.breaches).toEqual([]);
  });

  it('limits as inputs: the breached ones are listed with their excess, the others not', async () => {
    const result = (
      await run({
        topN: 2,
        limits: { maxSecurityWeight: 0.4, maxTopNWeight: 0.7, maxHerfindahl: 0.5, assetClass: { EQUITY: 0.5, CASH: 0.2 }, currency: { USD: 0.1, CAD: 0.95 } },
      })
    ).result as Row;
    expect(result.breaches).toEqual([
      { kind: 'security', key: 'P20KA', value: expect.closeTo(5_000 / total, 8), limit: 0.4, excess: expect.closeTo(5_000 / total - 0.4, 8) },
      { kind: 'topN', key: 'top 2', value: expect.closeTo(8_000 / total, 8), limit: 0.7, excess: expect.closeTo(8_000 / total - 0.7, 8) },
      { kind: 'assetClass', key: 'EQUITY', value: expect.closeTo(6_350 / total, 8), limit: 0.5, excess: expect.closeTo(6_350 / total - 0.5, 8) },
      { kind: 'currency', key: 'USD', value: expect.closeTo(1_350 / total, 8), limit: 0.1, excess: expect.closeTo(1_350 / total - 0.1, 8) },
    ]);
  });

  it('a limit that is not a share is refused at the input, and nothing is charged', async () => {
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId: 'concentration', packId, inputs: { portfolioId, limits: { maxSecurityWeight: 1.5 } } as never } },
      { as: 'demo-analyst' },
    );
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(response.errors?.[0].extensions)).toContain('inputs.limits.maxSecurityWeight');
  });

  it('costs one credit like the other patterns and reproduces byte for byte', async () => {
    const first = await run({ limits: { maxSecurityWeight: 0.4 } });
    expect(first.creditsConsumed).toBe(1);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -1 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'FRED']));
    const again = await run({ limits: { maxSecurityWeight: 0.4 } });
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });
});
