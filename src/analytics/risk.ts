/**
 * Risk metrics of a series of periodic simple returns, following quantopian/empyrical (the
 * source of the test vectors).
 *
 * Conventions (the README copies these):
 * - Inputs are SIMPLE returns per period (`r = V_t / V_{t−1} − 1`, see `simpleReturns`), one per
 *   trading day by default. `null` or NaN marks a missing observation.
 * - Volatility = sample standard deviation (ddof = 1) · √periodsPerYear.
 * - Sharpe = mean(r − rf) / sample std(r − rf) · √periodsPerYear, with rf a PER-PERIOD rate (a
 *   constant or a series aligned with the returns; `periodRiskFreeRate` converts an annual rate).
 * - periodsPerYear = 252 trading days by default; 12 for monthly returns, 52 weekly, 365 for
 *   calendar-daily series. The √time scaling assumes independent returns, as empyrical does.
 * - Volatility and Sharpe skip missing observations (empyrical's nanmean / nanstd), including
 *   periods where the risk-free series is missing.
 * - Drawdowns are measured on the wealth index that starts at 1 BEFORE the first return, so a
 *   first-period loss is a drawdown. A missing return counts as 0 % (wealth unchanged), as in
 *   empyrical's cum_returns; for max drawdown this is the same as skipping it. Drawdowns are ≤ 0.
 * - Results that do not exist return null: fewer than two observations for a standard
 *   deviation, a zero standard deviation for Sharpe, no observation at all for max drawdown.
 */
import { assertFinite, assertPositive, assertSameLength, mean, sampleStd } from './numeric';

/** Periodic simple returns; null (or NaN) marks a missing observation. */
export type ReturnSeries = readonly (number | null)[];

/** Trading days per year, the default annualisation of daily risk metrics. */
export const TRADING_DAYS_PER_YEAR = 252;

function isObserved(r: number | null): r is number {
  return r !== null && !Number.isNaN(r);
}

/** Observed values of a series; infinities are rejected as bad data rather than skipped. */
function observed(series: ReturnSeries, name: string): number[] {
  const out: number[] = [];
  series.forEach((r, i) => {
    if (!isObserved(r)) return;
    assertFinite(r, `${name}[${i}]`);
    out.push(r);
  });
  return out;
}

/**
 * Simple returns of a valuation series: `r_i = v_i / v_{i−1} − 1` for i = 1..n−1 (n − 1 values).
 * A period starting from a zero valuation has no return (null). For a portfolio with external
 * flows, use the time-weighted daily returns (`timeWeightedReturn(...).periodReturns`) instead.
 */
export function simpleReturns(values: readonly number[]): (number | null)[] {
  values.forEach((v, i) => assertFinite(v, `values[${i}]`));
  const out: (number | null)[] = [];
  for (let i = 1; i < values.length; i++) {
    out.push(values[i - 1] === 0 ? null : values[i] / values[i - 1] - 1);
  }
  return out;
}

/**
 * Per-period rate equivalent to an annual rate. 'compound' (default): (1 + annual)^(1/n) − 1,
 * which compounds back to the annual rate; 'simple': annual / n, the money-market shortcut.
 */
export function periodRiskFreeRate(
  annualRate: number,
  periodsPerYear = TRADING_DAYS_PER_YEAR,
  method: 'compound' | 'simple' = 'compound',
): number {
  assertFinite(annualRate, 'annualRate');
  assertPositive(periodsPerYear, 'periodsPerYear');
  if (method === 'simple') return annualRate / periodsPerYear;
  if (annualRate <= -1) throw new RangeError(`annualRate must be > -1, got ${annualRate}`);
  return Math.expm1(Math.log1p(annualRate) / periodsPerYear);
}

/** Annualised volatility: sample std (ddof 1) of the observed returns · √periodsPerYear. */
export function annualVolatility(returns: ReturnSeries, periodsPerYear = TRADING_DAYS_PER_YEAR): number | null {
  assertPositive(periodsPerYear, 'periodsPerYear');
  const std = sampleStd(observed(returns, 'returns'));
  return std === null ? null : std * Math.sqrt(periodsPerYear);
}

function excessReturns(returns: ReturnSeries, riskFree: number | ReturnSeries): (number | null)[] {
  if (typeof riskFree === 'number') {
    assertFinite(riskFree, 'riskFree');
    return returns.map((r) => (isObserved(r) ? r - riskFree : null));
  }
  assertSameLength(returns, 'returns', riskFree, 'riskFree');
  return returns.map((r, i) => {
    const rf = riskFree[i];
    return isObserved(r) && isObserved(rf) ? r - rf : null;
  });
}

/** Annualised Sharpe ratio: mean(r − rf) / sample std(r − rf) · √periodsPerYear; rf per period. */
export function sharpeRatio(returns: ReturnSeries, riskFree: number | ReturnSeries, periodsPerYear = TRADING_DAYS_PER_YEAR): number | null {
  assertPositive(periodsPerYear, 'periodsPerYear');
  const excess = observed(excessReturns(returns, riskFree), 'excess returns');
  const std = sampleStd(excess);
  if (std === null || std === 0) return null;
  return (mean(excess) / std) * Math.sqrt(periodsPerYear);
}

/**
 * Drawdown after each period: wealth / running peak − 1 (≤ 0), with wealth and peak starting at 1
 * before the first return and a missing return counted as 0 %. Same length as `returns`.
 */
export function drawdownSeries(returns: ReturnSeries): number[] {
  let wealth = 1;
  let peak = 1;
  return returns.map((r, i) => {
    if (isObserved(r)) {
      assertFinite(r, `returns[${i}]`);
      wealth *= 1 + r;
    }
    peak = Math.max(peak, wealth);
    return wealth / peak - 1;
  });
}

/** Largest peak-to-trough fall as a negative number (0 when wealth never fell); null without any observed return. */
export function maxDrawdown(returns: ReturnSeries): number | null {
  if (!returns.some(isObserved)) return null;
  return drawdownSeries(returns).reduce((worst, dd) => Math.min(worst, dd), 0);
}
