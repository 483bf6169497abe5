/**
 * Time-weighted return (TWR): the growth of one unit of currency invested for the whole period,
 * independent of when and how much the investor deposited or withdrew. Each day is a sub-period;
 * its factor removes that day's external flows, and the factors are chain-linked (multiplied).
 *
 * Conventions (the README copies these):
 * - `values[i]` is the valuation at the END of day i, AFTER that day's external flows were
 *   booked. `values[0]` is the opening valuation of the period.
 * - `flows[i]` are day i's EXTERNAL flows, signed from the portfolio's side: + deposit,
 *   − withdrawal. Income kept in the portfolio (interest, dividends) and costs paid from it (fees,
 *   taxes) are NOT external flows: they are part of the performance being measured.
 * - `flows[0]` is ignored: the opening valuation already contains it and the period starts after
 *   it (an account opened by a deposit on day 0 starts with that deposit as its capital).
 * - Within a day, `FlowTiming` decides which part of the flows was at risk during the day:
 *       `factor_i = (V_i − F_end_i) / (V_{i−1} + F_start_i)`
 *   where F_start_i + F_end_i = the day's net flow.
 * - A day with no capital at its start (`V_{i−1} + F_start_i = 0`, e.g. before the first deposit or
 *   after a full withdrawal) has factor 1: nothing was at risk, so the day adds no return. Capital
 *   below `ZERO_CAPITAL_EPSILON` in absolute value counts as zero, so that the floating-point
 *   residue of a full withdrawal does not produce a huge or negative factor. Negative capital at
 *   the start of a day throws a RangeError: a return on it has no meaning and it signals bad data.
 */
import { assertFinite, assertPositive, assertSameLength } from './numeric';

/**
 * When a day's external flows count within that day.
 * - `'start-of-day'`: all flows at the start — factor `(V_i) / (V_{i−1} + F_i)`. The deposit earns
 *   the day's return. Equivalent to "flow just after the previous valuation" (vector T1).
 * - `'end-of-day'`: all flows at the end — factor `(V_i − F_i) / V_{i−1}`. The deposit earns nothing
 *   on its day. Portfolio Performance's convention in 2013 (vector T2b). On a day that starts with
 *   an empty account the day's gain cannot be measured (factor 1).
 * - `'inflows-start-outflows-end'`: deposits at the start, withdrawals at the end —
 *   factor `(V_i + outflow) / (V_{i−1} + inflow)`. Money is at risk on the day it arrives and on the
 *   day it leaves; the conservative choice, and Portfolio Performance's current one (vector T2).
 */
export type FlowTiming = 'start-of-day' | 'end-of-day' | 'inflows-start-outflows-end';

/** The timing the project uses unless a caller chooses otherwise (Portfolio Performance's). */
export const DEFAULT_FLOW_TIMING: FlowTiming = 'inflows-start-outflows-end';

/** Capital whose absolute value is below this (a billionth of a currency unit) counts as zero. */
export const ZERO_CAPITAL_EPSILON = 1e-9;

/**
 * A day's gross flows, both as non-negative amounts. Use this rather than a net number when a
 * day has both a deposit and a withdrawal and the timing is 'inflows-start-outflows-end': netting
 * them first would put only the difference at the start (or end) of the day.
 */
export interface GrossFlows {
  readonly inflow: number;
  readonly outflow: number;
}

/** A day's external flows: a signed net amount (+ deposit, − withdrawal) or gross amounts. */
export type DailyFlow = number | GrossFlows;

/** A day's flows split by timing into the capital added at the start and the part added at the end. */
interface FlowSplit {
  readonly start: number;
  readonly end: number;
}

/**
 * A time-weighted return over a period: each day's factor and return, the cumulative return after
 * each day, and the total.
 */
export interface TwrResult {
  /** Growth factor of each day 1..n−1 (index k is day k+1); 1 means no change. */
  readonly factors: number[];
  /** factor − 1 for each day 1..n−1. */
  readonly periodReturns: number[];
  /** Cumulative return through each day 1..n−1 (the chart series; day 0 is implicitly 0). */
  readonly cumulative: number[];
  /** Cumulative return over the whole period; 0 for fewer than two valuations. */
  readonly total: number;
}

function grossOf(flow: DailyFlow, day: number): GrossFlows {
  if (typeof flow === 'number') {
    assertFinite(flow, `flows[${day}]`);
    return { inflow: Math.max(flow, 0), outflow: Math.max(-flow, 0) };
  }
  assertFinite(flow.inflow, `flows[${day}].inflow`);
  assertFinite(flow.outflow, `flows[${day}].outflow`);
  if (flow.inflow < 0 || flow.outflow < 0) {
    throw new RangeError(`flows[${day}]: gross inflow and outflow are amounts and must be >= 0`);
  }
  return flow;
}

function splitFlow(flow: DailyFlow, timing: FlowTiming, day: number): FlowSplit {
  const { inflow, outflow } = grossOf(flow, day);
  const net = inflow - outflow;
  switch (timing) {
    case 'start-of-day':
      return { start: net, end: 0 };
    case 'end-of-day':
      return { start: 0, end: net };
    case 'inflows-start-outflows-end':
      return { start: inflow, end: -outflow };
    default: {
      const unknown: never = timing;
      throw new RangeError(`unknown flow timing ${String(unknown)}`);
    }
  }
}

function periodFactor(previousValue: number, value: number, split: FlowSplit, label: string): number {
  const capital = previousValue + split.start;
  if (Math.abs(capital) < ZERO_CAPITAL_EPSILON) return 1;
  if (capital < 0) {
    throw new RangeError(`${label}: capital at the start is negative (${capital})`);
  }
  return (value - split.end) / capital;
}

/**
 * Daily growth factors `(V_i − F_end_i) / (V_{i−1} + F_start_i)` for days 1..n−1; see the module
 * comment for the meaning of `values`, `flows` and the zero-capital rule.
 */
export function dailyTwrFactors(values: readonly number[], flows: readonly DailyFlow[], timing: FlowTiming): number[] {
  assertSameLength(values, 'values', flows, 'flows');
  values.forEach((v, i) => assertFinite(v, `values[${i}]`));
  const factors: number[] = [];
  for (let i = 1; i < values.length; i++) {
    factors.push(periodFactor(values[i - 1], values[i], splitFlow(flows[i], timing, i), `day ${i}`));
  }
  return factors;
}

/** Geometric chain-linking: `cumulative[k] = Π_{j≤k} factors[j] − 1`. */
export function chainLink(factors: readonly number[]): { cumulative: number[]; total: number } {
  const cumulative: number[] = [];
  let growth = 1;
  for (const f of factors) {
    growth *= f;
    cumulative.push(growth - 1);
  }
  return { cumulative, total: growth - 1 };
}

function resultFromFactors(factors: number[]): TwrResult {
  const { cumulative, total } = chainLink(factors);
  return { factors, periodReturns: factors.map((f) => f - 1), cumulative, total };
}

/** Time-weighted return of daily valuations around external flows, chain-linked daily. */
export function timeWeightedReturn(values: readonly number[], flows: readonly DailyFlow[], timing: FlowTiming): TwrResult {
  return resultFromFactors(dailyTwrFactors(values, flows, timing));
}

/**
 * Re-indexes flows recorded "just after valuation i" (`cf[i]`, the ubique / SockTrader layout of
 * vector T1) as start-of-day flows of the next day: result[i] = cf[i−1], result[0] = 0. A flow
 * after the last valuation falls outside the period and is dropped. With these flows,
 * 'start-of-day' gives mv[i] / (mv[i−1] + cf[i−1]), that source's formula, so it needs no
 * algorithm of its own.
 */
export function flowsAfterValuationToStartOfDay(cf: readonly number[]): number[] {
  return cf.map((_, i) => (i === 0 ? 0 : cf[i - 1]));
}

/** TWR for flows recorded just after each valuation (vector T1's convention). */
export function timeWeightedReturnFlowsAfterValuation(values: readonly number[], cf: readonly number[]): TwrResult {
  assertSameLength(values, 'values', cf, 'cf');
  return timeWeightedReturn(values, flowsAfterValuationToStartOfDay(cf), 'start-of-day');
}

/**
 * A sub-period between two external flows: [value at its start (after the previous flow), value at
 * its end (before the next flow)].
 */
export type SubPeriod = readonly [start: number, end: number];

/**
 * Classic sub-period TWR (vector T3): each sub-period's factor is end / start, chain-linked. The
 * caller cuts the period at each external flow; the value after a flow starts the next sub-period.
 * A sub-period starting with no capital has factor 1 (as for daily factors).
 */
export function subPeriodTimeWeightedReturn(subPeriods: readonly SubPeriod[]): TwrResult {
  const factors = subPeriods.map(([start, end], i) => {
    assertFinite(start, `subPeriods[${i}][0]`);
    assertFinite(end, `subPeriods[${i}][1]`);
    return periodFactor(start, end, { start: 0, end: 0 }, `subPeriods[${i}]`);
  });
  return resultFromFactors(factors);
}

/**
 * Annualised return (1 + r)^(basis / days) − 1.
 * - `days` must be counted in the unit of `basis`: calendar days with 365 (the default, the
 *   calendar convention used by XIRR here), trading days with 252 (the convention of the risk
 *   metrics). Other bases (365.25) are accepted.
 * - The function extrapolates periods shorter than a year too; GIPS forbids presenting those
 *   annualised, so the caller decides whether to show the cumulative return instead.
 * - A total loss (r = −1) stays −1; `r < −1` (impossible for an unlevered portfolio) throws.
 */
export function annualize(totalReturn: number, days: number, basis = 365): number {
  assertFinite(totalReturn, 'totalReturn');
  assertPositive(days, 'days');
  assertPositive(basis, 'basis');
  if (totalReturn < -1) throw new RangeError(`totalReturn must be >= -1, got ${totalReturn}`);
  return Math.pow(1 + totalReturn, basis / days) - 1;
}
