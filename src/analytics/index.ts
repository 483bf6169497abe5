/**
 * Return and risk math: pure functions (no I/O, no clock). Each module documents its
 * conventions; errors: malformed input throws RangeError, a result that does not exist is null.
 */
export {
  DEFAULT_FLOW_TIMING,
  ZERO_CAPITAL_EPSILON,
  annualize,
  chainLink,
  dailyTwrFactors,
  flowsAfterValuationToStartOfDay,
  subPeriodTimeWeightedReturn,
  timeWeightedReturn,
  timeWeightedReturnFlowsAfterValuation,
} from './time-weighted-return';
export type { DailyFlow, FlowTiming, GrossFlows, SubPeriod, TwrResult } from './time-weighted-return';
export { dietzWeight, modifiedDietz } from './modified-dietz';
export { isoDateToDayNumber, xirr, xnpv } from './xirr';
export type { DatedFlow, XirrOptions } from './xirr';
export {
  TRADING_DAYS_PER_YEAR,
  annualVolatility,
  drawdownSeries,
  maxDrawdown,
  periodRiskFreeRate,
  sharpeRatio,
  simpleReturns,
} from './risk';
export type { ReturnSeries } from './risk';
export { decomposeCurrencyReturn, splitBaseCurrencyPnl } from './currency';
export type { CurrencyReturn, CurrencyReturnInput, FxQuote, PnlSplit, PnlSplitInput } from './currency';
export { anniversary, calendarDaysBetween, isAtLeastOneYear, observedPeriodicity } from './periods';
export type { Periodicity } from './periods';
export { attributeCurrency } from './currency-attribution';
export type { AttributionInput, HoldingAttribution, TotalAttribution } from './currency-attribution';
export { drawdownEpisodes } from './drawdown-episodes';
export type { DrawdownEpisode } from './drawdown-episodes';
export { concentration } from './concentration';
export type { Concentration, ConcentrationLimits, Exposure, ExposureCash, ExposureHolding, LimitBreach } from './concentration';
export { cashFlowsByMonth } from './cash-flows';
export type { CashFlowCategory, CashFlowTotals, CategorisedFlow } from './cash-flows';
export { PERFORMANCE_PERIODS, monthsBefore, performancePeriods, periodStartOf } from './performance-periods';
export type { PerformanceInput, PerformancePeriod, PeriodPerformance } from './performance-periods';
export { benchmarkStatistics } from './benchmark';
export type { BenchmarkStatistics } from './benchmark';
