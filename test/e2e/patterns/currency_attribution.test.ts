import { RunCurrencyAttributionDocument } from '../../generated/operations';
import vectors from '../../fixtures/returns-vectors.json';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: currency_attribution through the API — the published currency vectors C1 and C3, and
 * a total that weights holdings by their book cost in base.
 */
const SECURITIES = [
  { symbol: 'P20CA', name: 'P20 currency CAD', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'P20CU', name: 'P20 currency USD', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
  { symbol: 'P20CE', name: 'P20 currency EUR', currency: 'EUR', assetClass: 'EQUITY', exchange: 'XETRA' },
];

describe('currency_attribution', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20C', SECURITIES);
  const C1 = vectors.currency.find((v) => v.id === 'C1')!.expected as unknown as Record<string, number>;
  const C3 = vectors.currency.find((v) => v.id === 'C3')!.expected as unknown as Record<string, number>;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(packId: string, portfolioId: string) {
    const response = await t.request(RunCurrencyAttributionDocument, { inputs: { portfolioId }, packId }, { as: 'demo-analyst' });
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }
  type Row = Record<string, any>;

  it('C1: a USD investor’s EUR shares bought at 25 at 1.20 USD/EUR, now 42 at 1.05 — base 47 %, local 68 %, fx −12.5 %, cross −8.5 %', async () => {
    const policy = f.newPolicy();
    // CAD per USD 1.25 on both days, so USD per EUR = CAD per EUR / 1.25: 1.20, then 1.05.
    await f.publish(policy, '2024-05-01', [['P20CE', 25]], { USD: 1.25, EUR: 1.5 });
    const packId = await f.publish(policy, '2024-06-03', [['P20CE', 42]], { USD: 1.25, EUR: 1.3125 });
    const portfolioId = await f.portfolioWith(
      [
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'EUR', amount: 2_500 },
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'P20CE', quantity: 100, price: 25, currency: 'EUR' },
      ],
      'USD',
    );
    const execution = await run(packId, portfolioId);
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result.baseCurrency).toBe('USD');
    const [h] = result.holdings;
    expect(h).toMatchObject({ symbol: 'P20CE', currency: 'EUR', weight: 1 });
    for (const part of ['base', 'local', 'fx', 'interaction']) expect(Math.abs(h[part] - C1[part])).toBeLessThan(1e-8);
    // The currency added on top of the local return, compounded: 1.47 / 1.68 − 1.
    expect(h.geometricCurrency).toBeCloseTo((1 + C1.base) / (1 + C1.local) - 1, 8);
    expect(h.bookFxRate).toBeCloseTo(1.2, 8);
    expect(h.costBasisBase).toBeCloseTo(3_000, 6);
    for (const part of ['base', 'local', 'fx', 'interaction', 'geometricCurrency']) expect(result.total[part]).toBeCloseTo(h[part], 8);
  });

  describe('C3 beside a CAD holding, in a CAD portfolio', () => {
    let packId: string;
    let portfolioId: string;

    beforeAll(async () => {
      const policy = f.newPolicy();
      await f.publish(
        policy,
        '2024-05-01',
        [
          ['P20CU', 100],
          ['P20CA', 20],
        ],
        { USD: 1.3 },
      );
      packId = await f.publish(
        policy,
        '2024-06-03',
        [
          ['P20CU', 105],
          ['P20CA', 22],
        ],
        { USD: 1.35 },
      );
      portfolioId = await f.portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'USD', amount: 10_000 },
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'CAD', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'P20CU', quantity: 100, price: 100, currency: 'USD' },
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'P20CA', quantity: 50, price: 20, currency: 'CAD' },
      ]);
    });

    it('per holding C3 (USD 100 → 105, USDCAD 1.30 → 1.35), and the CAD holding all local', async () => {
      const execution = await run(packId, portfolioId);
      expect(execution.status).toBe('SUCCESS');
      const result = execution.result as Row;
      const usd = result.holdings.find((h: Row) => h.symbol === 'P20CU');
      expect(usd.marketValueBase).toBeCloseTo(C3.base_value_cad, 6);
      for (const part of ['local', 'fx', 'interaction']) expect(Math.abs(usd[part] - C3[part])).toBeLessThan(1e-8);
      expect(usd.base).toBeCloseTo(C3.local + C3.fx + C3.interaction, 8);
      expect(usd.geometricCurrency).toBeCloseTo(C3.fx, 8);
      const cad = result.holdings.find((h: Row) => h.symbol === 'P20CA');
      expect(cad).toMatchObject({ fx: 0, interaction: 0, geometricCurrency: 0 });
      expect(cad.local).toBeCloseTo(0.1, 8);
      expect(result.excluded).toEqual([]);
    });

    it('the total weights by book cost in base; local + fx + interaction = base, and the geometric currency return compounds', async () => {
      const result = (await run(packId, portfolioId)).result as Row;
      // Independently: book costs CAD 13,000 and 1,000; values CAD 14,175 and 1,100.
      const cost = 13_000 + 1_000;
      const base = (14_175 + 1_100) / cost - 1;
      const local = (13_000 * 1.05 + 1_100) / cost - 1;
      const wUsd = 13_000 / cost;
      expect(result.total.baseCost).toBeCloseTo(cost, 6);
      expect(result.total.base).toBeCloseTo(base, 8);
      expect(result.total.local).toBeCloseTo(local, 8);
      expect(result.total.fx).toBeCloseTo(wUsd * (1.35 / 1.3 - 1), 8);
      expect(result.total.interaction).toBeCloseTo(wUsd * 0.05 * (1.35 / 1.3 - 1), 8);
      expect(result.total.local + result.total.fx + result.total.interaction).toBeCloseTo(result.total.base, 8);
      expect(result.total.geometricCurrency).toBeCloseTo((1 + base) / (1 + local) - 1, 8);
      const usd = result.holdings.find((h: Row) => h.symbol === 'P20CU');
      expect(usd.weight).toBeCloseTo(wUsd, 8);
      expect(usd.contribution.fx).toBeCloseTo(result.total.fx, 8);
    });

    it('costs one credit like the other patterns, attributes its sources, and reproduces byte for byte', async () => {
      const first = await run(packId, portfolioId);
      expect(first.creditsConsumed).toBe(1);
      expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -1 }]);
      expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'FRED']));
      expect(first.metadata!.patternId).toBe('currency_attribution');
      const again = await run(packId, portfolioId);
      expect(again.id).not.toBe(first.id);
      expect(again.resultSha256).toBe(first.resultSha256);
      expect(again.result).toEqual(first.result);
    });
  });
});
