import {
  annualVolatility,
  annualize,
  benchmarkStatistics,
  calendarDaysBetween,
  drawdownEpisodes,
  drawdownSeries,
  isAtLeastOneYear,
  maxDrawdown,
  modifiedDietz,
  observedPeriodicity,
  performancePeriods,
  periodRiskFreeRate,
  sharpeRatio,
  timeWeightedReturn,
  xirr,
  type FlowTiming,
} from '../../analytics';
import { CapabilityError, type CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import type { BenchmarkSeries } from './benchmark-series';
import type { DatedExternalFlow, ValuationSeries } from './valuation-series';

const FLOW_TIMINGS: readonly FlowTiming[] = ['inflows-start-outflows-end', 'start-of-day', 'end-of-day'];

/**
 * The first valuation may come this many days after the start asked for (a weekend, holidays, a
 * pack published late) and the period still counts from that start when deciding whether it spans
 * a year; a later first valuation means the data covers less, and the period counts from it.
 */
const START_GRACE_DAYS = 7;

function seriesArg(args: Record<string, unknown>): ValuationSeries {
  const series = args.series as ValuationSeries | undefined;
  if (!series || !Array.isArray(series.points) || series.points.length < 2)
    throw new CapabilityError('BAD_ARGS', 'series needs at least two points');
  return series;
}

/** The run's flow timing (a pattern input) or, when it gives none, the server's. */
function flowTimingOf(args: Record<string, unknown>, deps: AgentDeps): FlowTiming {
  const asked = args.flowTiming;
  return typeof asked === 'string' && (FLOW_TIMINGS as readonly string[]).includes(asked)
    ? (asked as FlowTiming)
    : deps.conventions.flowTiming;
}

function positiveIntegerOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Daily TWR factors of a series under a flow timing. */
function twrOf(series: ValuationSeries, timing: FlowTiming) {
  return timeWeightedReturn(
    series.points.map((p) => p.value),
    series.points.map((p) => ({ inflow: p.inflow, outflow: p.outflow })),
    timing,
  );
}

/**
 * Modified Dietz over the series: its first and last values and the external flows on their trade
 * dates. A flow counted at the start of its day has D = days since the start (weight (CD − D)/CD),
 * one counted at its end D + 1 (no later than the period's end), following the flow timing.
 */
function modifiedDietzOf(series: ValuationSeries, timing: FlowTiming, periodDays: number): number | null {
  const first = series.points[0];
  const last = series.points[series.points.length - 1];
  const atEndOfDay = (flow: DatedExternalFlow) => timing === 'end-of-day' || (timing === 'inflows-start-outflows-end' && flow.amount < 0);
  const days = series.flows.map((f) => Math.min(periodDays, calendarDaysBetween(series.start, f.date) + (atEndOfDay(f) ? 1 : 0)));
  return modifiedDietz(
    first.value,
    last.value,
    series.flows.map((f) => f.amount),
    days,
    periodDays,
  );
}

/**
 * metrics.compute_twr: chain-linked daily returns around external flows, Modified Dietz over the
 * same period, and the annualised TWR — null for a period shorter than a year (GIPS) unless the
 * run asks for it. The conventions used (the run's inputs, else the server's) are in the result.
 */
export const twrCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const flowTiming = flowTimingOf(args, deps);
    const annualizationDays = positiveIntegerOr(args.annualizationDays, deps.conventions.annualizationDays);
    const annualizeShortPeriods = args.annualizeShortPeriods === true;
    const twr = twrOf(series, flowTiming);
    const days = calendarDaysBetween(series.start, series.end);
    const requested = series.requestedStart ?? series.start;
    const measuredFrom = calendarDaysBetween(requested, series.start) <= START_GRACE_DAYS ? requested : series.start;
    const fullYear = isAtLeastOneYear(measuredFrom, series.end);
    const annualized = fullYear || annualizeShortPeriods;
    return {
      data: {
        start: series.start,
        end: series.end,
        totalReturn: twr.total,
        annualizedReturn: annualized ? annualize(twr.total, days, annualizationDays) : null,
        modifiedDietz: modifiedDietzOf(series, flowTiming, days),
        days,
        conventions: {
          flowTiming,
          annualizationDays,
          annualizeShortPeriods,
          periodAtLeastOneYear: fullYear,
          annualization: annualized
            ? `(1 + totalReturn)^(${annualizationDays} / days) - 1${fullYear ? '' : ', asked for although the period is shorter than a year'}`
            : 'none: the period is shorter than a year (GIPS); totalReturn is the cumulative return',
        },
        series: series.points.slice(1).map((p, i) => ({ date: p.date, cumulativeReturn: twr.cumulative[i] })),
      },
      provenance: [],
    };
  };

/**
 * metrics.compute_mwr: the money-weighted return (XIRR, actual/365) of the investor's flows, each on
 * its ledger trade date: the opening value invested on the first valuation date, deposits invested,
 * withdrawals received, the closing value received on the last valuation date.
 */
export const mwrCapability =
  (): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const first = series.points[0];
    const last = series.points[series.points.length - 1];
    const flows = [
      { date: first.date, amount: -first.value },
      // The investor's side: a deposit is money put in (−), a withdrawal money taken out (+).
      ...(series.flows ?? []).map((f) => ({ date: f.date, amount: -f.amount })),
      { date: last.date, amount: last.value },
    ];
    const rate = xirr(flows);
    return {
      data: {
        start: series.start,
        end: series.end,
        annualizedReturn: rate,
        convention: 'XIRR, actual days / 365; each external flow on its ledger trade date, the closing value on the last valuation date',
        flows,
      },
      provenance: [],
      warnings: rate === null ? [{ code: 'MWR_UNDEFINED', message: 'the money-weighted return is undefined for these flows' }] : [],
    };
  };

/**
 * metrics.risk: volatility, Sharpe against an annual risk-free rate, drawdowns — of the
 * flow-adjusted returns between valuations, annualised by the periods per year the run gives, else
 * RISK_PERIODS_PER_YEAR, else the series' observed spacing (daily 252, weekly 52, monthly 12,
 * quarterly 4, annual 1). The factor and where it came from are in the result.
 */
export const riskCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const riskFreeRate = typeof args.riskFreeRate === 'number' ? args.riskFreeRate : 0;
    const flowTiming = flowTimingOf(args, deps);
    const { periodReturns } = twrOf(series, flowTiming);
    const observed = observedPeriodicity(series.points.map((p) => p.date))!;
    const asked = positiveIntegerOr(args.periodsPerYear, null);
    const configured = deps.conventions.riskPeriodsPerYear;
    const periods = asked ?? configured ?? observed.periodsPerYear;
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
        conventions: {
          flowTiming,
          periodsPerYear: periods,
          periodsPerYearFrom: asked !== null ? 'input' : configured !== null ? 'RISK_PERIODS_PER_YEAR' : 'observed',
          observedPeriodicity: observed.name,
          annualization: `sample std (n - 1) x sqrt(${periods}); Sharpe on excess returns over riskFreeRate compounded to ${periods} periods a year`,
        },
        returns: series.points.slice(1).map((p, i) => ({ date: p.date, return: periodReturns[i] })),
      },
      provenance: [],
    };
  };

/**
 * metrics.drawdowns: every drawdown episode of the flow-adjusted wealth index (1 + cumulative TWR)
 * over the series — peak, trough and recovery dates, depth, length and time to recover — the worst
 * first, with the flow timing used.
 */
export const drawdownsCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const flowTiming = flowTimingOf(args, deps);
    const { cumulative } = twrOf(series, flowTiming);
    const wealth = [1, ...cumulative.map((c) => 1 + c)];
    const episodes = drawdownEpisodes(
      series.points.map((p) => p.date),
      wealth,
    );
    const last = wealth[wealth.length - 1];
    const peak = Math.max(...wealth);
    return {
      data: {
        start: series.start,
        end: series.end,
        episodes,
        maxDrawdown: episodes[0]?.depth ?? 0,
        currentDrawdown: last / peak - 1,
        observations: wealth.length,
        conventions: {
          flowTiming,
          wealth: 'flow-adjusted: 1 + cumulative time-weighted return, 1 on the first valuation',
          recovery: 'the first valuation back at or above the peak; recoveryDate null while open',
          days: 'calendar days',
          order: 'worst first (deepest; ties by the earlier peak)',
        },
      },
      provenance: [],
    };
  };

/**
 * metrics.performance_periods: TWR and MWR over 1M, 3M, YTD, 1Y, 3Y and since inception, each
 * ending on the series' last valuation, measured on the series (which should start at inception);
 * annualised only for periods of a year or more (GIPS). The conventions used are in the result.
 */
export const performancePeriodsCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const flowTiming = flowTimingOf(args, deps);
    const annualizationDays = positiveIntegerOr(args.annualizationDays, deps.conventions.annualizationDays);
    const { cumulative } = twrOf(series, flowTiming);
    const periods = performancePeriods({
      dates: series.points.map((p) => p.date),
      values: series.points.map((p) => p.value),
      wealth: [1, ...cumulative.map((c) => 1 + c)],
      flows: series.flows,
      annualizationDays,
    });
    return {
      data: {
        inception: series.start,
        end: series.end,
        periods,
        conventions: {
          flowTiming,
          annualizationDays,
          periodStarts:
            "n months before the end (clamped to a shorter month's last day); YTD from 31 December; SI from the first valuation",
          base: 'the last valuation on or before the period start (the first one when it is at most 7 days later); earlier: available false',
          twr: 'chain-linked, flow-adjusted; annualized (1 + r)^(annualizationDays / days) - 1 only for periods of a year or more (GIPS)',
          mwr: 'XIRR (actual/365) of the base value, the flows after the base date on their trade dates and the end value; cumulative (1 + irr)^(days / 365) - 1; annualized only for periods of a year or more',
        },
      },
      provenance: [],
    };
  };

/**
 * metrics.benchmark_comparison: the portfolio's flow-adjusted returns against a benchmark's (in
 * base, from the same packs) over the same valuation dates: excess return, tracking error, beta,
 * correlation and information ratio, each with the periodicity it is stated in. Periods per year
 * as metrics.risk: the run's input, else RISK_PERIODS_PER_YEAR, else the observed spacing.
 */
export const benchmarkComparisonCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ args }) => {
    const series = seriesArg(args);
    const benchmark = args.benchmark as BenchmarkSeries;
    const flowTiming = flowTimingOf(args, deps);
    const { periodReturns, total } = twrOf(series, flowTiming);
    const benchmarkOn = new Map(benchmark.points.map((p) => [p.date, p.valueBase]));
    const missing = series.points.filter((p) => !benchmarkOn.has(p.date)).map((p) => p.date);
    if (missing.length > 0) throw new CapabilityError('BAD_ARGS', `the benchmark has no value on ${missing.join(', ')}`);
    const values = series.points.map((p) => benchmarkOn.get(p.date)!);
    const benchmarkReturns = values.slice(1).map((v, i) => v / values[i] - 1);
    const observed = observedPeriodicity(series.points.map((p) => p.date))!;
    const asked = positiveIntegerOr(args.periodsPerYear, null);
    const configured = deps.conventions.riskPeriodsPerYear;
    const periods = asked ?? configured ?? observed.periodsPerYear;
    const stats = benchmarkStatistics(periodReturns, benchmarkReturns, periods);
    const days = calendarDaysBetween(series.start, series.end);
    const fullYear = isAtLeastOneYear(series.start, series.end);
    const benchmarkTotal = values[values.length - 1] / values[0] - 1;
    const annualDays = deps.conventions.annualizationDays;
    const portfolioAnnual = fullYear ? annualize(total, days, annualDays) : null;
    const benchmarkAnnual = fullYear ? annualize(benchmarkTotal, days, annualDays) : null;
    const per = `${observed.name} returns`;
    const annualised = `annualised: ${observed.name} returns x sqrt(${periods})`;
    return {
      data: {
        start: series.start,
        end: series.end,
        benchmark: { symbol: benchmark.symbol, currency: benchmark.currency },
        portfolioReturn: { cumulative: total, annualized: portfolioAnnual },
        benchmarkReturn: { cumulative: benchmarkTotal, annualized: benchmarkAnnual },
        excessReturn: {
          cumulative: total - benchmarkTotal,
          annualized: portfolioAnnual === null || benchmarkAnnual === null ? null : portfolioAnnual - benchmarkAnnual,
          periodicity: `over the whole period (${days} days); annualized only for a year or more (GIPS)`,
        },
        meanActiveReturn: { value: stats.meanActiveReturn, periodicity: `per period, of ${per}` },
        trackingError: { value: stats.trackingError, periodicity: annualised },
        informationRatio: { value: stats.informationRatio, periodicity: annualised },
        beta: { value: stats.beta, periodicity: `of ${per}` },
        correlation: { value: stats.correlation, periodicity: `of ${per}` },
        observations: stats.observations,
        periodsPerYear: periods,
        conventions: {
          flowTiming,
          periodsPerYear: periods,
          periodsPerYearFrom: asked !== null ? 'input' : configured !== null ? 'RISK_PERIODS_PER_YEAR' : 'observed',
          observedPeriodicity: observed.name,
          benchmark: 'the security’s close in base at each pack’s FX rate, on the portfolio’s valuation dates',
          activeReturn: 'portfolio TWR period return - benchmark period return',
          trackingError: `sample std (n - 1) of active returns x sqrt(${periods})`,
          informationRatio: `mean / sample std of active returns x sqrt(${periods})`,
          beta: 'sample cov(portfolio, benchmark) / sample var(benchmark)',
          correlation: 'Pearson',
        },
        returns: series.points.slice(1).map((p, i) => ({ date: p.date, portfolio: periodReturns[i], benchmark: benchmarkReturns[i] })),
      },
      provenance: [],
    };
  };
