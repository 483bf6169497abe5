import { RunBenchmarkComparisonDocument } from '../../generated/operations';
import vectors from '../../fixtures/returns-vectors.json';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: benchmark_comparison through the API — empyrical's mixed series as the portfolio's
 * daily returns against its simple_benchmark series as a benchmark security in the same packs,
 * and a USD benchmark whose return in CAD is all currency.
 */
const SECURITIES = [
  { symbol: 'P20BA', name: 'P20 benchmark portfolio', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'P20BB', name: 'P20 benchmark index', currency: 'CAD', assetClass: 'ETF', exchange: 'TSX' },
  { symbol: 'P20BU', name: 'P20 benchmark USD index', currency: 'USD', assetClass: 'ETF', exchange: 'NYSE' },
];
const DAYS = ['2024-04-01', '2024-04-02', '2024-04-03', '2024-04-04', '2024-04-05', '2024-04-08', '2024-04-09', '2024-04-10', '2024-04-11'];

describe('benchmark_comparison', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20B', SECURITIES);
  // empyrical skips the first pair (the portfolio's return is NaN there): eight aligned days.
  const portfolio = vectors.risk.series.mixed.slice(1) as number[];
  const bench = vectors.risk.series.simple_benchmark.slice(1);
  const ir = vectors.risk.expected.find((e) => e.metric === 'sharpe' && e.series === 'mixed' && e.risk_free === 'simple_benchmark')!;
  let packId: string;
  let portfolioId: string;
  type Row = Record<string, any>;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    let p = 100;
    let b = 50;
    for (const [i, date] of DAYS.entries()) {
      if (i > 0) {
        p *= 1 + portfolio[i - 1];
        b *= 1 + bench[i - 1];
      }
      // USDCAD rises 1 % over the period; the USD benchmark's price never moves.
      packId = await f.publish(
        policy,
        date,
        [
          ['P20BA', p],
          ['P20BB', b],
          ['P20BU', 100],
        ],
        { USD: i === DAYS.length - 1 ? 1.35 * 1.01 : 1.35 },
      );
    }
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: DAYS[0], currency: 'CAD', amount: 100_000 },
      { kind: 'BUY', tradeDate: DAYS[0], symbol: 'P20BA', quantity: 1_000, price: 100, currency: 'CAD' },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(benchmark: string, inputs: Record<string, unknown> = {}) {
    const response = await t.request(
      RunBenchmarkComparisonDocument,
      { inputs: { portfolioId, benchmark, start: DAYS[0], ...inputs }, packId },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const cov = (xs: number[], ys: number[]) => {
    const mx = mean(xs);
    const my = mean(ys);
    return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / (xs.length - 1);
  };

  it('information ratio as empyrical’s Sharpe against the benchmark series; tracking error, beta, correlation, excess return', async () => {
    const execution = await run('P20BB');
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result.benchmark).toEqual({ symbol: 'P20BB', currency: 'CAD' });
    expect(result.observations).toBe(8);
    expect(Math.abs(result.informationRatio.value - ir.value)).toBeLessThan(ir.tol);
    const active = portfolio.map((r, i) => r - bench[i]);
    expect(result.trackingError.value).toBeCloseTo(Math.sqrt(cov(active, active)) * Math.sqrt(252), 8);
    expect(result.beta.value).toBeCloseTo(cov(portfolio, bench) / cov(bench, bench), 8);
    expect(result.correlation.value).toBeCloseTo(cov(portfolio, bench) / Math.sqrt(cov(portfolio, portfolio) * cov(bench, bench)), 8);
    const rp = portfolio.reduce((a, r) => a * (1 + r), 1) - 1;
    const rb = bench.reduce((a, r) => a * (1 + r), 1) - 1;
    expect(result.portfolioReturn).toEqual({ cumulative: expect.closeTo(rp, 8), annualized: null });
    expect(result.excessReturn.cumulative).toBeCloseTo(rp - rb, 8);
    expect(result.excessReturn.annualized).toBeNull();
    // Each measure states its periodicity.
    expect(result.trackingError.periodicity).toContain('daily returns x sqrt(252)');
    expect(result.informationRatio.periodicity).toContain('sqrt(252)');
    expect(result.beta.periodicity).toBe('of daily returns');
    expect(result.correlation.periodicity).toBe('of daily returns');
    expect(result.excessReturn.periodicity).toContain('10 days');
    expect(result.conventions).toMatchObject({ periodsPerYear: 252, periodsPerYearFrom: 'observed', observedPeriodicity: 'daily' });
  });

  it('periodsPerYear as an input rescales tracking error and information ratio, not beta', async () => {
    const daily = (await run('P20BB')).result as Row;
    const weekly = (await run('P20BB', { periodsPerYear: 52 })).result as Row;
    expect(weekly.trackingError.value).toBeCloseTo(daily.trackingError.value * Math.sqrt(52 / 252), 8);
    expect(weekly.informationRatio.periodicity).toContain('sqrt(52)');
    expect(weekly.beta.value).toBe(daily.beta.value);
  });

  it('a USD benchmark is compared in CAD: its return is the change of USDCAD', async () => {
    const result = (await run('P20BU')).result as Row;
    expect(result.benchmark.currency).toBe('USD');
    expect(result.benchmarkReturn.cumulative).toBeCloseTo(0.01, 8);
  });

  it('a benchmark the packs do not price fails the run, which is refunded', async () => {
    const execution = await run('P20NOPE');
    expect(execution.status).toBe('FAILED');
    expect(execution.errors).toEqual([
      expect.objectContaining({ code: 'PRICE_MISSING', stepId: 'benchmarkSeries', message: expect.stringContaining('P20NOPE') }),
      expect.objectContaining({ code: 'UPSTREAM_FAILED', stepId: 'comparison' }),
    ]);
    expect(await f.chargesOf(execution.id)).toEqual([
      { kind: 'DEBIT', amount: -2 },
      { kind: 'REFUND', amount: 2 },
    ]);
  });

  it('costs two credits like portfolio_risk and reproduces byte for byte', async () => {
    const first = await run('P20BB');
    expect(first.creditsConsumed).toBe(2);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -2 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FMP', 'FRED']));
    const again = await run('P20BB');
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });
});
