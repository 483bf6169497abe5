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

  describe('the published TWR vectors with flows of every kind, and Modified Dietz (T2, T2b, T3, M1, M2)', () => {
    /** A cash-only portfolio valued on each of these days by packs of a policy of its own. */
    async function dailyPacks(days: string[]): Promise<string> {
      const policy = newPolicy();
      let packId = '';
      for (const date of days) packId = await publish(policy, date, [['I17A', 100]]);
      return packId;
    }
    // The overview's return chart: the cumulative TWR at each valuation after the first.
    const cumulative = (execution: { result: unknown }) =>
      ((execution.result as Record<string, any>).charts.returnSeries as { date: string; cumulativeReturn: number }[]).map(
        (p) => p.cumulativeReturn,
      );

    // Vector T2 (Portfolio Performance's Excel sample): one cash account valued daily, with deposits,
    // withdrawals, interest (booked as DIVIDEND: income, not an external flow) and fees.
    const T2 = vectors.twr.find((v) => v.id === 'T2')!;
    const T2b = vectors.twr.find((v) => v.id === 'T2b')!;
    const T2_DAYS = [
      '2011-12-31',
      '2012-01-01',
      '2012-01-02',
      '2012-01-03',
      '2012-01-04',
      '2012-01-05',
      '2012-01-06',
      '2012-01-07',
      '2012-01-08',
    ];
    let t2Pack: string;
    let t2Portfolio: string;

    beforeAll(async () => {
      t2Pack = await dailyPacks(T2_DAYS);
      const entries: LedgerEntryInput[] = [
        ...T2.deposits!.map(([tradeDate, amount]) => ({ kind: 'DEPOSIT' as const, tradeDate: String(tradeDate), amount: Number(amount) })),
        ...T2.withdrawals!.map(([tradeDate, amount]) => ({
          kind: 'WITHDRAWAL' as const,
          tradeDate: String(tradeDate),
          amount: Number(amount),
        })),
        ...T2.interest!.map(([tradeDate, amount]) => ({
          kind: 'DIVIDEND' as const,
          symbol: 'I17A',
          tradeDate: String(tradeDate),
          amount: Number(amount),
        })),
        ...T2.fees!.map(([tradeDate, amount]) => ({ kind: 'FEE' as const, tradeDate: String(tradeDate), amount: Number(amount) })),
      ]
        .map((e) => ({ ...e, currency: 'CAD' }))
        // Money in before money out on a day, so no fee or withdrawal overdraws the account in between.
        .sort(
          (a, b) =>
            a.tradeDate.localeCompare(b.tradeDate) ||
            Number(b.kind === 'DEPOSIT' || b.kind === 'DIVIDEND') - Number(a.kind === 'DEPOSIT' || a.kind === 'DIVIDEND'),
        );
      t2Portfolio = await portfolioWith(entries);
    });

    it('T2: inflows at the start of their day, outflows at its end — every day’s cumulative return', async () => {
      const execution = await run('portfolio_overview', t2Pack, {
        portfolioId: t2Portfolio,
        start: T2_DAYS[0],
        flowTiming: 'inflows-start-outflows-end',
      });
      expect(execution.status).toBe('SUCCESS');
      const got = cumulative(execution);
      expect(got).toHaveLength(T2.expected_cumulative!.length);
      got.forEach((value, i) => expect(Math.abs(value - T2.expected_cumulative![i])).toBeLessThan(T2.tol));
    });

    it('T2b: every flow at the end of its day (the 2013 convention)', async () => {
      const execution = await run('portfolio_overview', t2Pack, { portfolioId: t2Portfolio, start: T2_DAYS[0], flowTiming: 'end-of-day' });
      const got = cumulative(execution);
      expect(got).toHaveLength(T2b.expected_cumulative!.length);
      got.forEach((value, i) => expect(Math.abs(value - T2b.expected_cumulative![i])).toBeLessThan(T2b.tol));
    });

    it('T3: two sub-periods around a deposit made after the 2014-09-15 valuation', async () => {
      const T3 = vectors.twr.find((v) => v.id === 'T3')!;
      const [[v0, v1], [v1WithDeposit, v2]] = T3.subperiods!;
      const deposit = v1WithDeposit - v1;
      const policy = newPolicy();
      // 2,500 shares: the share price carries the value; the deposit stays in cash.
      await publish(policy, '2014-06-30', [['I17A', v0 / 2_500]]);
      await publish(policy, '2014-09-15', [['I17A', v1 / 2_500]]);
      const packId = await publish(policy, '2014-12-31', [['I17A', (v2 - deposit) / 2_500]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2014-06-30', currency: 'CAD', amount: v0 },
        { kind: 'BUY', tradeDate: '2014-06-30', symbol: 'I17A', quantity: 2_500, price: v0 / 2_500, currency: 'CAD' },
        { kind: 'DEPOSIT', tradeDate: '2014-09-15', currency: 'CAD', amount: deposit },
      ]);
      const execution = await run('portfolio_overview', packId, { portfolioId, start: '2014-06-30', flowTiming: 'end-of-day' });
      expect(Math.abs((execution.result as Record<string, any>).twr.totalReturn - T3.expected!)).toBeLessThan(T3.tol);
    });

    it.each(['M1', 'M2'])('%s: Modified Dietz with each flow weighted by the days it was invested', async (id) => {
      const M = vectors.modified_dietz.find((v) => v.id === id)!;
      const start = '2024-01-01';
      const dayAfter = (days: number) => new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      const end = dayAfter(M.period_days);
      const cashIn = M.flows.reduce((a, b) => a + b, 0);
      const policy = newPolicy();
      // Ten shares carry the opening value; the deposits stay in cash, so the closing price is what is left.
      await publish(policy, start, [['I17A', M.begin / 10]]);
      const packId = await publish(policy, end, [['I17A', (M.end - cashIn) / 10]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: start, currency: 'CAD', amount: M.begin },
        { kind: 'BUY', tradeDate: start, symbol: 'I17A', quantity: 10, price: M.begin / 10, currency: 'CAD' },
        ...M.flows.map((amount, i) => ({ kind: 'DEPOSIT' as const, tradeDate: dayAfter(M.days[i]), currency: 'CAD', amount })),
      ]);
      // Start of day: D is the days since the period's start, the vector's weight (CD − D) / CD.
      const execution = await run('portfolio_overview', packId, { portfolioId, start, flowTiming: 'start-of-day' });
      const twr = (execution.result as Record<string, any>).twr;
      expect(twr.days).toBe(M.period_days);
      expect(Math.abs(twr.modifiedDietz - M.expected)).toBeLessThan(Math.max(M.tol, 1e-8));
    });
  });

  describe('the published XIRR vectors as a portfolio’s deposits, withdrawals, income and fees (X1, X2a, X2c)', () => {
    /** Packs on the first and last flow dates only: XIRR dates the flows between by their trade dates. */
    async function mwrOf(first: string, last: string, entries: LedgerEntryInput[]) {
      const policy = newPolicy();
      await publish(policy, first, [['I17A', 100]]);
      const packId = await publish(policy, last, [['I17A', 100]]);
      const portfolioId = await portfolioWith(entries);
      const execution = await run('portfolio_risk', packId, { portfolioId, start: first });
      expect(execution.status).toBe('SUCCESS');
      return execution.result as Record<string, any>;
    }
    const flowsOf = (id: string) => vectors.xirr.find((v) => v.id === id)!;
    const cad = (kind: 'DEPOSIT' | 'WITHDRAWAL' | 'FEE', tradeDate: string, amount: number): LedgerEntryInput => ({
      kind,
      tradeDate,
      currency: 'CAD',
      amount,
    });
    const income = (tradeDate: string, amount: number): LedgerEntryInput => ({
      kind: 'DIVIDEND',
      symbol: 'I17A',
      tradeDate,
      currency: 'CAD',
      amount,
    });
    const asFlows = (v: { flows: (string | number)[][] }) => v.flows.map(([date, amount]) => ({ date, amount }));

    it('X1 (Microsoft’s XIRR example): a deposit, three withdrawals funded by income, the closing value', async () => {
      const X1 = flowsOf('X1');
      // 13,000 goes out in all against 10,000 in: 3,000 of income, booked the day after the start.
      const result = await mwrOf('2008-01-01', '2009-04-01', [
        cad('DEPOSIT', '2008-01-01', 10_000),
        income('2008-01-02', 3_000),
        cad('WITHDRAWAL', '2008-03-01', 2_750),
        cad('WITHDRAWAL', '2008-10-30', 4_250),
        cad('WITHDRAWAL', '2009-02-15', 3_250),
      ]);
      expect(result.mwrFlows).toEqual(asFlows(X1));
      expect(Math.abs(result.mwr - X1.expected)).toBeLessThan(X1.tol);
    });

    it('X2a: 200 in, 210 out a year later', async () => {
      const X2a = flowsOf('X2a');
      const result = await mwrOf('2010-01-01', '2010-12-31', [cad('DEPOSIT', '2010-01-01', 200), income('2010-06-30', 10)]);
      expect(result.mwrFlows).toEqual(asFlows(X2a));
      expect(Math.abs(result.mwr - X2a.expected)).toBeLessThan(X2a.tol);
    });

    it('X2c: two deposits nearly all lost to a fee — a return close to −100 %', async () => {
      const X2c = flowsOf('X2c');
      const result = await mwrOf('2019-05-24', '2020-06-29', [
        cad('DEPOSIT', '2019-05-24', 1_560.94),
        cad('DEPOSIT', '2020-01-13', 1_160),
        cad('FEE', '2020-06-01', 1_560.94 + 1_160 - 42.8),
      ]);
      expect(result.mwrFlows).toEqual(asFlows(X2c));
      expect(Math.abs(result.mwr - X2c.expected)).toBeLessThan(X2c.tol);
    });
  });

  describe('the published risk vectors (empyrical) as daily returns of a portfolio', () => {
    const R = vectors.risk;
    const expectedOf = (metric: string, series: string) =>
      R.expected.find((e) => e.metric === metric && e.series === series && (e.risk_free ?? 0) === 0)!;

    /**
     * A portfolio whose value moves by these returns between consecutive business-day packs. A
     * null return (empyrical's NaN, skipped) is a day with no valuation: the series starts after it.
     */
    async function riskOf(returns: (number | null)[]) {
      const observed = returns.filter((r): r is number => r !== null);
      const days: string[] = [];
      for (let d = Date.parse('2024-04-01T00:00:00Z'); days.length <= observed.length; d += 86_400_000) {
        const weekday = new Date(d).getUTCDay();
        if (weekday !== 0 && weekday !== 6) days.push(new Date(d).toISOString().slice(0, 10));
      }
      const policy = newPolicy();
      let price = 100;
      let packId = await publish(policy, days[0], [['I17A', price]]);
      for (const [i, r] of observed.entries()) {
        price *= 1 + r;
        packId = await publish(policy, days[i + 1], [['I17A', price]]);
      }
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: days[0], currency: 'CAD', amount: 100_000 },
        { kind: 'BUY', tradeDate: days[0], symbol: 'I17A', quantity: 1_000, price: 100, currency: 'CAD' },
      ]);
      const execution = await run('portfolio_risk', packId, { portfolioId, start: days[0] });
      expect(execution.status).toBe('SUCCESS');
      const risk = (execution.result as Record<string, any>).risk;
      // Business days one apart: a daily series, annualised by 252 as empyrical does.
      expect(risk.conventions).toMatchObject({ periodsPerYear: 252, observedPeriodicity: 'daily' });
      expect(risk.returns.map((r: { return: number }) => r.return)).toEqual(observed.map((r) => expect.closeTo(r, 10)));
      return risk;
    }

    it('mixed (a NaN first): Sharpe at a zero risk-free rate, annual volatility and max drawdown', async () => {
      const risk = await riskOf(R.series.mixed);
      for (const [metric, field] of [
        ['sharpe', 'sharpeRatio'],
        ['annual_volatility', 'annualVolatility'],
        ['max_drawdown', 'maxDrawdown'],
      ]) {
        const e = expectedOf(metric, 'mixed');
        expect(Math.abs(risk[field] - e.value)).toBeLessThan(e.tol);
      }
    });

    it('positive: Sharpe at a zero risk-free rate', async () => {
      const risk = await riskOf(R.series.positive);
      const e = expectedOf('sharpe', 'positive');
      expect(Math.abs(risk.sharpeRatio - e.value)).toBeLessThan(e.tol);
    });

    it('negative: Sharpe at a zero risk-free rate, and max drawdown from a base before the first return', async () => {
      const risk = await riskOf(R.series.negative);
      const sharpe = expectedOf('sharpe', 'negative');
      expect(Math.abs(risk.sharpeRatio - sharpe.value)).toBeLessThan(sharpe.tol);
      const drawdown = expectedOf('max_drawdown', 'negative');
      expect(Math.abs(risk.maxDrawdown - drawdown.value)).toBeLessThan(drawdown.tol);
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

  describe('which pack’s rate books a purchase', () => {
    it('the newest pack on or before the trade date; before the policy’s first pack, the earliest one, with a warning', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-05-06', [['I17U', 100]], 1.3);
      await publish(policy, '2024-05-10', [['I17U', 100]], 1.32);
      const packId = await publish(policy, '2024-05-20', [['I17U', 100]], 1.4);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-05-01', currency: 'USD', amount: 2_000 },
        // Before the first pack (2024-05-06): no rate that early, the first pack's is the nearest.
        { kind: 'BUY', tradeDate: '2024-05-01', symbol: 'I17U', quantity: 10, price: 100, currency: 'USD' },
        // Between the packs of 05-10 and 05-20: the 05-10 rate, not the later one.
        { kind: 'BUY', tradeDate: '2024-05-15', symbol: 'I17U', quantity: 10, price: 100, currency: 'USD' },
      ]);
      const execution = await run('portfolio_overview', packId, { portfolioId });
      const h = (execution.result as Record<string, any>).valuation.holdings.find((x: { symbol: string }) => x.symbol === 'I17U');
      expect(h.costBasisBase).toBeCloseTo(1_000 * 1.3 + 1_000 * 1.32, 8);
      expect(execution.warnings).toEqual([
        { code: 'TRADE_DATE_FX_APPROXIMATED', message: expect.stringContaining('2024-05-01'), symbol: null, stepId: 'valuation' },
      ]);
      expect(execution.warnings![0].message).toContain('the pack of 2024-05-06');
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
