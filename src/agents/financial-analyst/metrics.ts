import {
  annualVolatility,
  annualize,
  drawdownSeries,
  maxDrawdown,
  periodRiskFreeRate,
  sharpeRatio,
  timeWeightedReturn,
  xirr,
} from '../../analytics';
import { CapabilityError, type CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import type { ValuationSeries } from './valuation-series';

function seriesArg(args: Record<string, unknown>): ValuationSeries {
  const series = args.series as ValuationSeries | undefined;
  if (!series || !Array.isArray(series.points) || series.points.length < 2)
    throw new CapabilityError('BAD_ARGS', 'series needs at least two points');
  return series;
}

function calendarDays(start: string, end: string): number {
  return (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
}

/** Daily TWR factors of a series, under the configured flow timing. */
function twrOf(series: ValuationSeries, deps: AgentDeps) {
  return timeWeightedReturn(
    series.points.map((p) => p.value),
    series.points.map((p) => ({ inflow: p.inflow, outflow: p.outflow })),
    deps.conventions.flowTiming,
  );
}

/** metrics.compute_twr: chain-linked daily returns around external flows, and its annualised rate. */
export const twrCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const twr = twrOf(series, deps);
    const days = calendarDays(series.start, series.end);
    return {
      data: {
        start: series.start,
        end: series.end,
        totalReturn: twr.total,
        annualizedReturn: annualize(twr.total, days, deps.conventions.annualizationDays),
        days,
        conventions: { flowTiming: deps.conventions.flowTiming, annualizationDays: deps.conventions.annualizationDays },
        series: series.points.slice(1).map((p, i) => ({ date: p.date, cumulativeReturn: twr.cumulative[i] })),
      },
      provenance: [],
    };
  };

/**
 * metrics.compute_mwr: the money-weighted return (XIRR, actual/365) of the investor's flows:
 * the opening value invested, deposits invested, withdrawals received, the closing value received.
 */
export const mwrCapability =
  (): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const first = series.points[0];
    const last = series.points[series.points.length - 1];
    const flows = [{ date: first.date, amount: -first.value }];
    for (const p of series.points.slice(1)) {
      const net = p.outflow - p.inflow;
      if (net !== 0) flows.push({ date: p.date, amount: net });
    }
    flows.push({ date: last.date, amount: last.value });
    const rate = xirr(flows);
    return {
      data: { start: series.start, end: series.end, annualizedReturn: rate, convention: 'XIRR, actual days / 365' },
      provenance: [],
      warnings: rate === null ? [{ code: 'MWR_UNDEFINED', message: 'the money-weighted return is undefined for these flows' }] : [],
    };
  };

/** metrics.risk: annualised volatility, Sharpe against an annual risk-free rate, drawdowns — of the flow-adjusted daily returns. */
export const riskCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const riskFreeRate = typeof args.riskFreeRate === 'number' ? args.riskFreeRate : 0;
    const { periodReturns } = twrOf(series, deps);
    const periods = deps.conventions.riskPeriodsPerYear;
    const drawdowns = drawdownSeries(periodReturns);
    return {
      data: {
        start: series.start,
        end: series.end,
        annualVolatility: annualVolatility(periodReturns, periods),
        sharpeRatio: sharpeRatio(periodReturns, periodRiskFreeRate(riskFreeRate, periods), periods),
        maxDrawdown: maxDrawdown(periodReturns),
        currentDrawdown: drawdowns[drawdowns.length - 1] ?? 0,
        riskFreeRate,
        periodsPerYear: periods,
        observations: periodReturns.length,
      },
      provenance: [],
    };
  };
