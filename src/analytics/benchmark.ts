/**
 * A portfolio's periodic returns against a benchmark's over the same periods.
 *
 * Conventions (the README copies these; empyrical's where it has the measure):
 * - Inputs are aligned SIMPLE returns per period, the portfolio's flow-adjusted (TWR).
 * - Active return a = r_p − r_b per period. Tracking error = sample std (ddof 1) of a ·
 *   √periodsPerYear. Information ratio = mean(a) / sample std(a) · √periodsPerYear (empyrical's
 *   Sharpe of r_p against r_b as the risk-free series; its excess_sharpe, annualised).
 * - Beta = sample cov(r_p, r_b) / sample var(r_b); correlation = Pearson's r. Neither depends on
 *   the periodicity.
 * - A measure that does not exist (fewer than two periods, no variation) is null.
 */
import { assertFinite, assertPositive, assertSameLength, mean, sampleStd } from './numeric';

/** The comparison measures of aligned portfolio and benchmark returns. */
export interface BenchmarkStatistics {
  readonly observations: number;
  readonly meanActiveReturn: number | null;
  readonly trackingError: number | null;
  readonly informationRatio: number | null;
  readonly beta: number | null;
  readonly correlation: number | null;
}

/** Sample covariance (ddof 1); the caller guarantees two or more pairs. */
function sampleCovariance(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += (xs[i] - mx) * (ys[i] - my);
  return sum / (xs.length - 1);
}

/**
 * Tracking error, information ratio, beta and correlation of aligned periodic returns, annualised
 * by periodsPerYear where the measure scales with time (see the module conventions). Throws a
 * RangeError on arrays of different lengths, a non-finite return or a non-positive periodsPerYear.
 */
export function benchmarkStatistics(
  portfolio: readonly number[],
  benchmark: readonly number[],
  periodsPerYear: number,
): BenchmarkStatistics {
  assertSameLength(portfolio, 'portfolio', benchmark, 'benchmark');
  assertPositive(periodsPerYear, 'periodsPerYear');
  portfolio.forEach((r, i) => assertFinite(r, `portfolio[${i}]`));
  benchmark.forEach((r, i) => assertFinite(r, `benchmark[${i}]`));
  const n = portfolio.length;
  const active = portfolio.map((r, i) => r - benchmark[i]);
  const activeStd = sampleStd(active);
  const scale = Math.sqrt(periodsPerYear);
  if (n < 2) {
    return {
      observations: n,
      meanActiveReturn: n === 0 ? null : active[0],
      trackingError: null,
      informationRatio: null,
      beta: null,
      correlation: null,
    };
  }
  const benchmarkVar = sampleCovariance(benchmark, benchmark);
  const portfolioVar = sampleCovariance(portfolio, portfolio);
  const cov = sampleCovariance(portfolio, benchmark);
  return {
    observations: n,
    meanActiveReturn: mean(active),
    trackingError: activeStd === null ? null : activeStd * scale,
    informationRatio: activeStd === null || activeStd === 0 ? null : (mean(active) / activeStd) * scale,
    beta: benchmarkVar === 0 ? null : cov / benchmarkVar,
    correlation: benchmarkVar === 0 || portfolioVar === 0 ? null : cov / Math.sqrt(benchmarkVar * portfolioVar),
  };
}
