import { RunDrawdownsDocument } from '../../generated/operations';
import vectors from '../../fixtures/returns-vectors.json';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: drawdowns through the API — empyrical's mixed return series as a security's daily
 * closes, held by a portfolio that deposits (and invests) more in the middle of a drawdown.
 */
const SECURITIES = [{ symbol: 'P20DA', name: 'P20 drawdowns', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' }];

describe('drawdowns', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20D', SECURITIES);
  const returns = vectors.risk.series.mixed.filter((r): r is number => r !== null);
  const maxDrawdown = vectors.risk.expected.find((e) => e.metric === 'max_drawdown' && e.series === 'mixed')!;
  // Business days from Monday 2024-04-01: a valuation before the first return and one after each.
  const DAYS = ['2024-04-01', '2024-04-02', '2024-04-03', '2024-04-04', '2024-04-05', '2024-04-08', '2024-04-09', '2024-04-10', '2024-04-11'];
  const closes = [100];
  for (const r of returns) closes.push(closes[closes.length - 1] * (1 + r));
  let packId: string;
  let portfolioId: string;
  type Row = Record<string, any>;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    for (const [i, date] of DAYS.entries()) packId = await f.publish(policy, date, [['P20DA', closes[i]]]);
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: DAYS[0], currency: 'CAD', amount: 100_000 },
      { kind: 'BUY', tradeDate: DAYS[0], symbol: 'P20DA', quantity: 1_000, price: 100, currency: 'CAD' },
      // At the trough of the first drawdown: 500 more shares at the day's close (106.656). The value
      // is then above its peak, but the flow-adjusted wealth is not: no recovery on that day.
      { kind: 'DEPOSIT', tradeDate: DAYS[3], currency: 'CAD', amount: 53_328 },
      { kind: 'BUY', tradeDate: DAYS[3], symbol: 'P20DA', quantity: 500, price: 106.656, currency: 'CAD' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(inputs: Record<string, unknown> = {}) {
    // End of day: the deposit buys at the day's close, so the day's return is the close's.
    const response = await t.request(
      RunDrawdownsDocument,
      { inputs: { portfolioId, start: DAYS[0], flowTiming: 'end-of-day', ...inputs }, packId },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  it('every episode, the worst first: the open −10 % (empyrical’s max drawdown), then the −4 % that recovered', async () => {
    const execution = await run();
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result.conventions.flowTiming).toBe('end-of-day');
    expect(result.episodes).toHaveLength(2);
    const [worst, second] = result.episodes;
    expect(Math.abs(worst.depth - maxDrawdown.value)).toBeLessThan(maxDrawdown.tol);
    expect(Math.abs(result.maxDrawdown - maxDrawdown.value)).toBeLessThan(maxDrawdown.tol);
    expect(worst).toMatchObject({
      peakDate: DAYS[7],
      troughDate: DAYS[8],
      recoveryDate: null,
      recovered: false,
      daysPeakToTrough: 1,
      daysToRecover: null,
      lengthDays: 1,
    });
    expect(result.currentDrawdown).toBeCloseTo(worst.depth, 8);
    // The peak 1.01 · 1.10 on 04-03, −4 % on 04-04, back above it (· 1.02 · 1.03) on Monday 04-08.
    expect(second.depth).toBeCloseTo(closes[3] / closes[2] - 1, 8);
    expect(second).toMatchObject({
      peakDate: DAYS[2],
      troughDate: DAYS[3],
      recoveryDate: DAYS[5],
      recovered: true,
      daysPeakToTrough: 1,
      daysToRecover: 4,
      lengthDays: 5,
    });
  });

  it('a period that ends before the second drawdown has one episode, recovered, and no current drawdown', async () => {
    const result = (await run({ end: DAYS[6] })).result as Row;
    expect(result.end).toBe(DAYS[6]);
    expect(result.episodes).toHaveLength(1);
    expect(result.episodes[0]).toMatchObject({ peakDate: DAYS[2], recoveryDate: DAYS[5] });
    expect(result.currentDrawdown).toBe(0);
  });

  it('costs one credit like the other patterns and reproduces byte for byte', async () => {
    const first = await run();
    expect(first.creditsConsumed).toBe(1);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -1 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'Internal']));
    const again = await run();
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });
});
