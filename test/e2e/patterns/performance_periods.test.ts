import { RunPerformancePeriodsDocument } from '../../generated/operations';
import { annualize, xirr } from '../../../src/analytics';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: performance_periods through the API — month-end packs from January 2021 to June 2024,
 * a portfolio fully invested in one security that buys more in 2022 and sells some in 2023 (each
 * flow invested or withdrawn at the day's close), and a young portfolio on the same packs.
 */
const SECURITIES = [{ symbol: 'P20PA', name: 'P20 periods', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' }];

/** The last day of each month from January 2021 to June 2024. */
const MONTH_ENDS = Array.from({ length: 42 }, (_, k) => new Date(Date.UTC(2021, k + 1, 0)).toISOString().slice(0, 10));
/** A close per month end: 1 % a month, with a wobble, four decimals. */
const CLOSES = MONTH_ENDS.map((_, k) => Math.round(100 * 1.01 ** k * (1 + 0.02 * ((k % 3) - 1)) * 1e4) / 1e4);
const at = (date: string) => MONTH_ENDS.indexOf(date);

describe('performance_periods', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20P', SECURITIES);
  let packId: string;
  let portfolioId: string;
  let youngId: string;
  type Row = Record<string, any>;
  const BUY_AT = at('2022-06-30');
  const SELL_AT = at('2023-09-30');
  const quantityAt = (k: number) => 1_000 + (k >= BUY_AT ? 200 : 0) - (k >= SELL_AT ? 100 : 0);
  const valueAt = (k: number) => quantityAt(k) * CLOSES[k];

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    for (const [k, date] of MONTH_ENDS.entries()) packId = await f.publish(policy, date, [['P20PA', CLOSES[k]]]);
    const buy = 200 * CLOSES[BUY_AT];
    const sale = 100 * CLOSES[SELL_AT];
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: MONTH_ENDS[0], currency: 'CAD', amount: 1_000 * CLOSES[0] },
      { kind: 'BUY', tradeDate: MONTH_ENDS[0], symbol: 'P20PA', quantity: 1_000, price: CLOSES[0], currency: 'CAD' },
      { kind: 'DEPOSIT', tradeDate: MONTH_ENDS[BUY_AT], currency: 'CAD', amount: buy },
      { kind: 'BUY', tradeDate: MONTH_ENDS[BUY_AT], symbol: 'P20PA', quantity: 200, price: CLOSES[BUY_AT], currency: 'CAD' },
      { kind: 'SELL', tradeDate: MONTH_ENDS[SELL_AT], symbol: 'P20PA', quantity: 100, price: CLOSES[SELL_AT], currency: 'CAD' },
      { kind: 'WITHDRAWAL', tradeDate: MONTH_ENDS[SELL_AT], currency: 'CAD', amount: sale },
    ]);
    const youngStart = at('2024-02-29');
    youngId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: MONTH_ENDS[youngStart], currency: 'CAD', amount: 10 * CLOSES[youngStart] },
      { kind: 'BUY', tradeDate: MONTH_ENDS[youngStart], symbol: 'P20PA', quantity: 10, price: CLOSES[youngStart], currency: 'CAD' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(id: string) {
    // End of day: each flow trades at the day's close, so every period's TWR is the close's.
    const response = await t.request(
      RunPerformancePeriodsDocument,
      { inputs: { portfolioId: id, flowTiming: 'end-of-day' }, packId },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  it('TWR over 1M, 3M, YTD, 1Y, 3Y and since inception: the close’s change from each month-end base; annualised from a year', async () => {
    const execution = await run(portfolioId);
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result).toMatchObject({ inception: '2021-01-31', end: '2024-06-30' });
    expect(result.periods.map((p: Row) => [p.period, p.baseDate])).toEqual([
      ['1M', '2024-05-31'],
      ['3M', '2024-03-31'],
      ['YTD', '2023-12-31'],
      ['1Y', '2023-06-30'],
      ['3Y', '2021-06-30'],
      ['SI', '2021-01-31'],
    ]);
    const last = MONTH_ENDS.length - 1;
    for (const p of result.periods) {
      const base = at(p.baseDate);
      const twr = CLOSES[last] / CLOSES[base] - 1;
      const days = (Date.parse(p.end) - Date.parse(p.baseDate)) / 86_400_000;
      expect(p.days).toBe(days);
      expect(p.twr.cumulative).toBeCloseTo(twr, 8);
      const long = ['1Y', '3Y', 'SI'].includes(p.period);
      expect(p.atLeastOneYear).toBe(long);
      if (long) expect(Math.abs(p.twr.annualized / annualize(twr, days, 365) - 1)).toBeLessThan(1e-7);
      else expect(p.twr.annualized).toBeNull();
    }
    expect(result.conventions).toMatchObject({ flowTiming: 'end-of-day', annualizationDays: 365 });
  });

  it('the MWR beside each: XIRR of the base value, the flows after it on their trade dates, and the end value', async () => {
    const result = (await run(portfolioId)).result as Row;
    const last = MONTH_ENDS.length - 1;
    const flows = [
      { date: MONTH_ENDS[BUY_AT], amount: -200 * CLOSES[BUY_AT] },
      { date: MONTH_ENDS[SELL_AT], amount: 100 * CLOSES[SELL_AT] },
    ];
    for (const p of result.periods) {
      const base = at(p.baseDate);
      const irr = xirr([
        { date: p.baseDate, amount: -valueAt(base) },
        ...flows.filter((x) => x.date > p.baseDate),
        { date: p.end, amount: valueAt(last) },
      ])!;
      expect(p.mwr.cumulative).toBeCloseTo((1 + irr) ** (p.days / 365) - 1, 7);
      if (p.atLeastOneYear) expect(p.mwr.annualized).toBeCloseTo(irr, 7);
      else expect(p.mwr.annualized).toBeNull();
    }
    // The flows make the money-weighted and time-weighted returns differ since inception.
    const si = result.periods.find((p: Row) => p.period === 'SI');
    expect(Math.abs(si.mwr.cumulative - si.twr.cumulative)).toBeGreaterThan(1e-4);
  });

  it('a portfolio younger than a period leaves it unavailable; since inception is not annualised under a year', async () => {
    const result = (await run(youngId)).result as Row;
    expect(result.inception).toBe('2024-02-29');
    const byPeriod = new Map(result.periods.map((p: Row) => [p.period, p]));
    for (const p of ['YTD', '1Y', '3Y']) expect(byPeriod.get(p)).toMatchObject({ available: false, twr: null, mwr: null });
    expect(byPeriod.get('3M')).toMatchObject({ available: true, baseDate: '2024-03-31' });
    const si = byPeriod.get('SI') as Row;
    expect(si).toMatchObject({ available: true, baseDate: '2024-02-29', atLeastOneYear: false, twr: { annualized: null } });
    expect(si.twr.cumulative).toBeCloseTo(CLOSES[MONTH_ENDS.length - 1] / CLOSES[at('2024-02-29')] - 1, 8);
  });

  it('costs two credits like portfolio_risk and reproduces byte for byte', async () => {
    const first = await run(portfolioId);
    expect(first.creditsConsumed).toBe(2);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -2 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'Internal']));
    const again = await run(portfolioId);
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });
});
