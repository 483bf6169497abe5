import { benchmarkStatistics } from '../../../src/analytics';
import { fixture } from './returns-vectors';

describe('benchmarkStatistics', () => {
  it('the information ratio is empyrical’s Sharpe of the mixed series against simple_benchmark as its risk-free series', () => {
    const { mixed, simple_benchmark: bench } = fixture.risk.series;
    const vector = fixture.risk.expected.find((e) => e.metric === 'sharpe' && e.series === 'mixed' && e.risk_free === 'simple_benchmark')!;
    // empyrical skips the pair whose portfolio return is NaN.
    const pairs = mixed.flatMap((r, i) => (r === null ? [] : [[r, bench[i] as number]]));
    const stats = benchmarkStatistics(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
      252,
    );
    expect(Math.abs(stats.informationRatio! - vector.value)).toBeLessThan(vector.tol);
    expect(stats.observations).toBe(8);
  });

  it('a portfolio that is twice the benchmark: beta 2, correlation 1, tracking error the benchmark’s volatility', () => {
    const b = [0.01, -0.02, 0.03, 0.005];
    const p = b.map((r) => 2 * r);
    const stats = benchmarkStatistics(p, b, 12);
    expect(stats.beta).toBeCloseTo(2, 12);
    expect(stats.correlation).toBeCloseTo(1, 12);
    const m = b.reduce((a, x) => a + x, 0) / b.length;
    const std = Math.sqrt(b.reduce((a, x) => a + (x - m) ** 2, 0) / (b.length - 1));
    expect(stats.trackingError).toBeCloseTo(std * Math.sqrt(12), 12);
    expect(stats.informationRatio).toBeCloseTo((m / std) * Math.sqrt(12), 12);
  });

  it('what does not exist is null: one period, a flat benchmark, no active variation', () => {
    expect(benchmarkStatistics([0.01], [0.02], 252)).toMatchObject({ observations: 1, trackingError: null, beta: null, correlation: null });
    expect(benchmarkStatistics([0.01, 0.02], [0.01, 0.01], 252)).toMatchObject({ beta: null, correlation: null });
    expect(benchmarkStatistics([0.01, 0.02], [0.01, 0.02], 252)).toMatchObject({ trackingError: 0, informationRatio: null, beta: 1 });
  });

  it('rejects unaligned or non-finite returns', () => {
    expect(() => benchmarkStatistics([0.01], [0.01, 0.02], 252)).toThrow(/same length/);
    expect(() => benchmarkStatistics([Number.NaN], [0.01], 252)).toThrow(/finite/);
  });
});
