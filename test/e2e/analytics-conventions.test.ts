import {
  AppendLedgerEntriesDocument,
  CreatePortfolioDocument,
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExecutionDocument,
  MarkPackFreshDocument,
  UpsertSecuritiesDocument,
  type CreatePricingPackInput,
  type LedgerEntryInput,
} from '../generated/operations';
import { annualize, modifiedDietz, xirr } from '../../src/analytics';
import vectors from '../fixtures/returns-vectors.json';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 17: analytics on portfolios users build themselves — their own securities, packs (a policy
 * of their own, so the demo's packs never mix in) and ledgers — through the API only.
 */

type Price = [symbol: string, close: number];

/** Securities of these tests: two in CAD, one in USD. */
const SECURITIES = [
  { symbol: 'I17A', name: 'Issue 17 A', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'I17B', name: 'Issue 17 B', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'I17U', name: 'Issue 17 U', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
  { symbol: 'I17E', name: 'Issue 17 E', currency: 'EUR', assetClass: 'EQUITY', exchange: 'XETRA' },
];
const CURRENCY_OF = new Map(SECURITIES.map((s) => [s.symbol, s.currency]));

describe('analytics on your own portfolio, packs and securities', () => {
  let t: TestServer;
  let policies = 0;

  beforeAll(async () => {
    t = await startTestServer();
    const upserted = await t.request(UpsertSecuritiesDocument, { input: SECURITIES }, { as: 'pack-builder' });
    expect(upserted.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A policy no other test uses: its packs are the only ones a run on it sees. */
  const newPolicy = () => `I17T${++policies}_CAD`;

  async function publish(policy: string, date: string, prices: Price[], usdcad = 1.35, eurcad = 1.5): Promise<string> {
    const input: CreatePricingPackInput = {
      date,
      policy,
      prices: prices.map(([symbol, close]) => ({ symbol, close, currency: CURRENCY_OF.get(symbol)!, source: 'FMP' })),
      fxRates: [
        { currency: 'USD', rate: usdcad, source: 'FRED' },
        { currency: 'EUR', rate: eurcad, source: 'FRED' },
      ],
    };
    const created = await t.request(CreatePricingPackDocument, { input }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPricingPack!.id;
    const fresh = await t.request(MarkPackFreshDocument, { id }, { as: 'pack-builder' });
    expect(fresh.errors).toBeUndefined();
    return id;
  }

  async function portfolioWith(entries: LedgerEntryInput[], baseCurrency = 'CAD'): Promise<string> {
    const created = await t.request(CreatePortfolioDocument, { input: { name: 'Issue 17', baseCurrency } }, { as: 'demo-analyst' });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPortfolio!.id;
    if (entries.length > 0) {
      const appended = await t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: id, entries, message: 'trades' },
        { as: 'demo-analyst' },
      );
      expect(appended.errors).toBeUndefined();
    }
    return id;
  }

  async function run(patternId: string, packId: string, inputs: Record<string, unknown>) {
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId, packId, inputs: inputs as never, requireFresh: true } },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  describe('TWR, Modified Dietz and the annualisation of short periods', () => {
    // Vector T1 (ubique / SockTrader): values 250,000 … 285,000, a 25,000 deposit just after the third
    // valuation and a 10,000 withdrawal just after the fifth: flows counted at the start of the next day.
    const T1 = vectors.twr.find((v) => v.id === 'T1')!;
    const DAYS = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11'];
    let packId: string;
    let portfolioId: string;

    beforeAll(async () => {
      const policy = newPolicy();
      // 1,000 shares plus the cash the flows leave: the share price is (value − cash) / 1,000.
      const cash = [0, 0, 0, 25_000, 25_000, 15_000];
      for (const [i, date] of DAYS.entries()) packId = await publish(policy, date, [['I17A', (T1.values![i] - cash[i]) / 1_000]]);
      portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: DAYS[0], currency: 'CAD', amount: 250_000 },
        { kind: 'BUY', tradeDate: DAYS[0], symbol: 'I17A', quantity: 1_000, price: 250, currency: 'CAD' },
        { kind: 'DEPOSIT', tradeDate: DAYS[3], currency: 'CAD', amount: 25_000 },
        { kind: 'WITHDRAWAL', tradeDate: DAYS[5], currency: 'CAD', amount: 10_000 },
      ]);
    });

    it('T1 through the API with flowTiming start-of-day; a 7-day period is not annualised, and says so', async () => {
      const execution = await run('portfolio_overview', packId, { portfolioId, start: DAYS[0], flowTiming: 'start-of-day' });
      expect(execution.status).toBe('SUCCESS');
      const twr = (execution.result as Record<string, any>).twr;
      expect(Math.abs(twr.totalReturn - T1.expected!)).toBeLessThan(1e-8);
      expect(twr.annualizedReturn).toBeNull();
      expect(twr.days).toBe(7);
      expect(twr.conventions).toEqual({
        flowTiming: 'start-of-day',
        annualizationDays: 365,
        annualizeShortPeriods: false,
        periodAtLeastOneYear: false,
        annualization: expect.stringContaining('shorter than a year'),
      });
      // Modified Dietz over the same period: flows on their trade dates, counted at the start of their day.
      const md = modifiedDietz(250_000, 285_000, [25_000, -10_000], [3, 7], 7)!;
      expect(Math.abs(twr.modifiedDietz - md)).toBeLessThan(1e-8);
    });

    it('a run may ask for the short period annualised; the other timings give other returns, each recorded', async () => {
      const asked = await run('portfolio_overview', packId, {
        portfolioId,
        start: DAYS[0],
        flowTiming: 'start-of-day',
        annualizeShortPeriods: true,
      });
      const twr = (asked.result as Record<string, any>).twr;
      // Relative: the stored total has 8 decimals, and ^(365/7) magnifies what they leave out.
      expect(Math.abs(twr.annualizedReturn / annualize(twr.totalReturn, 7, 365) - 1)).toBeLessThan(1e-6);
      expect(twr.conventions).toMatchObject({ annualizeShortPeriods: true, annualization: expect.stringContaining('asked for') });

      const byTiming = new Map<string, number>();
      for (const flowTiming of ['end-of-day', 'inflows-start-outflows-end']) {
        const execution = await run('portfolio_overview', packId, { portfolioId, start: DAYS[0], flowTiming });
        const result = (execution.result as Record<string, any>).twr;
        expect(result.conventions.flowTiming).toBe(flowTiming);
        byTiming.set(flowTiming, result.totalReturn);
      }
      // end-of-day: the deposit day's factor is (288,000 − 25,000) / 257,000; the others as T1.
      const endOfDay = (255 / 250) * (257 / 255) * ((288_000 - 25_000) / 257_000) * (293 / 288) * ((285_000 + 10_000) / 293_000) - 1;
      expect(Math.abs(byTiming.get('end-of-day')! - endOfDay)).toBeLessThan(1e-8);
      // Inflows at the start (as T1), the outflow at the end of its day.
      const mixed = (255 / 250) * (257 / 255) * (288_000 / 282_000) * (293 / 288) * ((285_000 + 10_000) / 293_000) - 1;
      expect(Math.abs(byTiming.get('inflows-start-outflows-end')! - mixed)).toBeLessThan(1e-8);
    });

    it('the server’s timing is the default, and the result records it; the same inputs give the same bytes', async () => {
      const first = await run('portfolio_overview', packId, { portfolioId, start: DAYS[0] });
      const twr = (first.result as Record<string, any>).twr;
      expect(twr.conventions.flowTiming).toBe('inflows-start-outflows-end');
      const again = await run('portfolio_overview', packId, { portfolioId, start: DAYS[0] });
      expect(again.resultSha256).toBe(first.resultSha256);
      // Naming the default explicitly is the same computation: the same result bytes.
      const explicit = await run('portfolio_overview', packId, { portfolioId, start: DAYS[0], flowTiming: 'inflows-start-outflows-end' });
      expect(explicit.resultSha256).toBe(first.resultSha256);
    });

    it('a flowTiming the pattern does not know is refused at the input', async () => {
      const response = await t.request(
        ExecutePatternDocument,
        { input: { patternId: 'portfolio_overview', packId, inputs: { portfolioId, flowTiming: 'noon' } as never } },
        { as: 'demo-analyst' },
      );
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(JSON.stringify(response.errors?.[0].extensions)).toContain('inputs.flowTiming');
    });
  });

  describe('a quarterly-priced portfolio: XIRR on trade dates, risk annualised by 4', () => {
    const QUARTERS = ['2024-01-02', '2024-04-01', '2024-07-02', '2024-10-01', '2025-01-02'];
    const CLOSES = [100, 110, 105, 120, 130];
    let packId: string;
    let portfolioId: string;

    beforeAll(async () => {
      const policy = newPolicy();
      for (const [i, date] of QUARTERS.entries()) packId = await publish(policy, date, [['I17A', CLOSES[i]]]);
      portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'CAD', amount: 10_000 },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17A', quantity: 100, price: 100, currency: 'CAD' },
        // Between two quarterly packs: XIRR dates it here, not at the next pack (2024-04-01).
        { kind: 'DEPOSIT', tradeDate: '2024-02-15', currency: 'CAD', amount: 5_000 },
        { kind: 'WITHDRAWAL', tradeDate: '2024-08-20', currency: 'CAD', amount: 2_000 },
      ]);
    });

    it('mwr is XIRR of the opening value, each flow on its ledger trade date, and the closing value', async () => {
      const execution = await run('portfolio_risk', packId, { portfolioId, start: QUARTERS[0] });
      expect(execution.status).toBe('SUCCESS');
      const result = execution.result as Record<string, any>;
      const flows = [
        { date: '2024-01-02', amount: -10_000 },
        { date: '2024-02-15', amount: -5_000 },
        { date: '2024-08-20', amount: 2_000 },
        { date: '2025-01-02', amount: 3_000 + 100 * 130 },
      ];
      expect(result.mwrFlows).toEqual(flows);
      const onTradeDates = xirr(flows)!;
      const atNextPack = xirr([flows[0], { ...flows[1], date: '2024-04-01' }, { ...flows[2], date: '2024-10-01' }, flows[3]])!;
      expect(Math.abs(result.mwr - onTradeDates)).toBeLessThan(1e-8);
      expect(Math.abs(result.mwr - atNextPack)).toBeGreaterThan(1e-3);
      expect(result.mwrConvention).toContain('trade date');
    });

    it('volatility and Sharpe use the observed periodicity (quarterly: 4) and say so; an input overrides it', async () => {
      const execution = await run('portfolio_risk', packId, { portfolioId, start: QUARTERS[0] });
      const risk = (execution.result as Record<string, any>).risk;
      expect(risk.periodsPerYear).toBe(4);
      expect(risk.conventions).toMatchObject({ periodsPerYear: 4, periodsPerYearFrom: 'observed', observedPeriodicity: 'quarterly' });
      const returns = risk.returns.map((r: { return: number }) => r.return);
      expect(returns).toHaveLength(4);
      const mean = returns.reduce((a: number, b: number) => a + b, 0) / 4;
      const std = Math.sqrt(returns.reduce((a: number, r: number) => a + (r - mean) ** 2, 0) / 3);
      expect(risk.annualVolatility).toBeCloseTo(std * 2, 7);
      expect(risk.sharpeRatio).toBeCloseTo((mean / std) * 2, 6);

      const daily = await run('portfolio_risk', packId, { portfolioId, start: QUARTERS[0], periodsPerYear: 252 });
      const overridden = (daily.result as Record<string, any>).risk;
      expect(overridden.conventions).toMatchObject({ periodsPerYear: 252, periodsPerYearFrom: 'input', observedPeriodicity: 'quarterly' });
      expect(overridden.annualVolatility).toBeCloseTo(std * Math.sqrt(252), 6);
    });

    it('a period of a whole year is annualised', async () => {
      const execution = await run('portfolio_overview', packId, { portfolioId, start: QUARTERS[0] });
      const twr = (execution.result as Record<string, any>).twr;
      expect(twr.conventions.periodAtLeastOneYear).toBe(true);
      expect(twr.annualizedReturn).toBeCloseTo(annualize(twr.totalReturn, 366, 365), 7);
    });
  });

  describe('base-currency book cost at trade-date rates; P&L split into price and currency effects', () => {
    const C1 = vectors.currency.find((v) => v.id === 'C1')!;
    const C3 = vectors.currency.find((v) => v.id === 'C3')!;
    const holding = (execution: { result: unknown }, symbol: string) =>
      (execution.result as Record<string, any>).valuation.holdings.find((h: { symbol: string }) => h.symbol === symbol);

    it('C3: 100 shares bought at USD 100 at USDCAD 1.30, now USD 105 at 1.35 — CAD 14,175, local 5 %, fx 3.85 %, cross 0.19 %', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-05-01', [['I17U', 100]], 1.3);
      const packId = await publish(policy, '2024-06-03', [['I17U', 105]], 1.35);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'USD', amount: 10_000 },
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'I17U', quantity: 100, price: 100, currency: 'USD' },
      ]);
      const execution = await run('portfolio_overview', packId, { portfolioId });
      expect(execution.status).toBe('SUCCESS');
      const h = holding(execution, 'I17U');
      const expected = C3.expected as unknown as Record<string, number>;
      expect(h.marketValueBase).toBeCloseTo(expected.base_value_cad, 6);
      expect(h.costBasisBase).toBeCloseTo(13_000, 6);
      expect(h.bookFxRate).toBeCloseTo(1.3, 8);
      expect(h.returns.local).toBeCloseTo(expected.local, 8);
      expect(h.returns.fx).toBeCloseTo(expected.fx, 8);
      expect(h.returns.interaction).toBeCloseTo(expected.interaction, 8);
      expect(h.returns.base).toBeCloseTo(expected.local + expected.fx + expected.interaction, 8);
      // The price effect is the local return on the base cost; the currency effect the rest.
      expect(h.unrealisedPnlBase).toBe(1175);
      expect(h.unrealisedPriceEffectBase).toBe(650);
      expect(h.unrealisedCurrencyEffectBase).toBe(525);
      const pnl = (execution.result as Record<string, any>).valuation.pnlBase;
      expect(pnl.unrealised).toEqual({ total: 1175, priceEffect: 650, currencyEffect: 525 });
    });

    it('flat in USD while USDCAD rose: the whole gain is currency (not 0, as at today’s rate)', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-05-01', [['I17U', 100]], 1.3);
      const packId = await publish(policy, '2024-06-03', [['I17U', 100]], 1.3714);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'USD', amount: 10_000 },
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'I17U', quantity: 100, price: 100, currency: 'USD' },
      ]);
      const h = holding(await run('portfolio_overview', packId, { portfolioId }), 'I17U');
      expect(h.unrealisedPnlBase).toBeCloseTo(714, 8);
      expect(h.unrealisedPriceEffectBase).toBe(0);
      expect(h.unrealisedCurrencyEffectBase).toBeCloseTo(714, 8);
    });

    it('C1 realised by a USD investor: EUR shares bought at 25 at 1.20 USD/EUR, sold at 42 at 1.05 (through a CAD pack’s cross rates)', async () => {
      const policy = newPolicy();
      // CAD per USD 1.25 on both days, so USD per EUR = CAD per EUR / 1.25: 1.20, then 1.05.
      await publish(policy, '2024-05-01', [['I17E', 25]], 1.25, 1.5);
      const packId = await publish(policy, '2024-06-03', [['I17E', 42]], 1.25, 1.3125);
      const portfolioId = await portfolioWith(
        [
          { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'EUR', amount: 2_500 },
          { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'I17E', quantity: 100, price: 25, currency: 'EUR' },
          { kind: 'SELL', tradeDate: '2024-06-03', symbol: 'I17E', quantity: 100, price: 42, currency: 'EUR' },
        ],
        'USD',
      );
      const execution = await run('portfolio_overview', packId, { portfolioId });
      expect(execution.status).toBe('SUCCESS');
      const realised = (execution.result as Record<string, any>).valuation.pnlBase.realised;
      const cost = 100 * 25 * 1.2;
      const expected = C1.expected as unknown as Record<string, number>;
      expect(realised.total / cost).toBeCloseTo(expected.base, 8);
      expect(realised.priceEffect / cost).toBeCloseTo(expected.local, 8);
      expect(realised.currencyEffect / cost).toBeCloseTo(expected.fx + expected.interaction, 8);
      expect(realised.priceEffect + realised.currencyEffect).toBeCloseTo(realised.total, 8);
    });
  });

  describe('unvalued holdings', () => {
    it('a pack without some holdings’ prices: PARTIAL, a warning per unvalued holding (code, symbol, step), stored with the run', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-01-02', [
        ['I17A', 10],
        ['I17B', 20],
        ['I17U', 30],
      ]);
      const packId = await publish(policy, '2024-01-05', [['I17A', 11]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'CAD', amount: 10_000 },
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'USD', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17A', quantity: 100, price: 10, currency: 'CAD' },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17B', quantity: 100, price: 20, currency: 'CAD' },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17U', quantity: 10, price: 30, currency: 'USD' },
      ]);

      const execution = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(execution.status).toBe('PARTIAL');
      expect(execution.errors).toEqual([]);
      const result = execution.result as Record<string, any>;
      expect(result.valuation.missingPrices).toEqual(['I17B', 'I17U']);
      expect(execution.warnings).toEqual(
        expect.arrayContaining([
          { code: 'PRICE_MISSING', symbol: 'I17B', stepId: 'valuation', message: expect.stringContaining('I17B') },
          { code: 'PRICE_MISSING', symbol: 'I17U', stepId: 'valuation', message: expect.stringContaining('I17U') },
          { code: 'PRICE_CARRIED_FORWARD', symbol: 'I17B', stepId: 'series', message: expect.any(String) },
        ]),
      );
      // Confidence is the data's own (one holding of three valued), lowered per warning, not also as PARTIAL.
      expect(execution.confidence).toBeCloseTo((1 / 3) * 0.95 ** execution.warnings!.length, 4);

      const stored = await t.request(ExecutionDocument, { id: execution.id }, { as: 'demo-viewer' });
      expect(stored.data!.execution!.warnings).toEqual(execution.warnings);
      expect(stored.data!.execution!.status).toBe('PARTIAL');

      // The same pack, ledger, pattern and inputs: the same bytes and the same warnings.
      const again = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(again.resultSha256).toBe(execution.resultSha256);
      expect(again.warnings).toEqual(execution.warnings);
    });

    it('every holding priced: SUCCESS and no warnings', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-01-02', [['I17A', 10]]);
      const packId = await publish(policy, '2024-01-05', [['I17A', 11]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'CAD', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17A', quantity: 10, price: 10, currency: 'CAD' },
      ]);
      const execution = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(execution.status).toBe('SUCCESS');
      expect(execution.warnings).toEqual([]);
    });
  });
});
