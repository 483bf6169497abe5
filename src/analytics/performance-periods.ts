/**
 * Returns over the standard trailing periods ending on one date: 1M, 3M, YTD, 1Y, 3Y and since
 * inception, time-weighted (TWR) and money-weighted (MWR) side by side.
 *
 * Conventions (the README copies these):
 * - A trailing period of n months starts n months before the end date, on the same day of the
 *   month or the month's last day when it is shorter (31 March − 1M = 29 February 2024); from a
 *   month's last day, on the earlier month's last day (30 June − 1M = 31 May). YTD
 *   starts on 31 December of the previous year; since inception at the first valuation.
 * - A period's base is the last valuation on or before its start, or the first valuation when it
 *   comes at most START_GRACE_DAYS (7) after the start (a weekend, holidays, a late pack); a period
 *   that starts earlier than that is not reported (available: false): the track record is shorter.
 * - TWR = wealth(end) / wealth(base) − 1, with wealth the flow-adjusted index (1 + cumulative TWR).
 * - MWR: XIRR (actual/365) of the base value invested, the external flows traded after the base
 *   date, and the end value received; shown as the period's return (1 + irr)^(days/365) − 1.
 * - GIPS: returns are annualised only for periods of a year or more (end on or after the start's
 *   anniversary); otherwise annualized is null and the cumulative return stands alone.
 */
import { isAtLeastOneYear, calendarDaysBetween } from './periods';
import { annualize } from './time-weighted-return';
import { xirr } from './xirr';

/** The trailing periods reported. */
export const PERFORMANCE_PERIODS = ['1M', '3M', 'YTD', '1Y', '3Y', 'SI'] as const;
/** One of PERFORMANCE_PERIODS. */
export type PerformancePeriod = (typeof PERFORMANCE_PERIODS)[number];

/** A first valuation this many days after a period's start still counts as its base (as metrics.compute_twr). */
const START_GRACE_DAYS = 7;

const MONTHS: Partial<Record<PerformancePeriod, number>> = { '1M': 1, '3M': 3, '1Y': 12, '3Y': 36 };

/** Days in a month (1-based), by the UTC calendar. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The date n months before a date: the same day of the month, clamped to the end of a shorter
 * month; a month's last day goes to the earlier month's last day (30 June − 1M = 31 May), so
 * month-end valuations line up.
 */
export function monthsBefore(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) - months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  const lastDay = daysInMonth(y, m);
  const target = day === daysInMonth(year, month) ? lastDay : Math.min(day, lastDay);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(target).padStart(2, '0')}`;
}

/** Where a trailing period ending on `end` starts; since inception, at `inception`. */
export function periodStartOf(period: PerformancePeriod, end: string, inception: string): string {
  if (period === 'SI') return inception;
  if (period === 'YTD') return `${String(Number(end.slice(0, 4)) - 1).padStart(4, '0')}-12-31`;
  return monthsBefore(end, MONTHS[period]!);
}

/** A flow-adjusted valuation series: what the periods are measured on. */
export interface PerformanceInput {
  readonly dates: readonly string[];
  /** End-of-day values (for MWR). */
  readonly values: readonly number[];
  /** Flow-adjusted wealth index, one per date (for TWR). */
  readonly wealth: readonly number[];
  /** External flows on their trade dates, the portfolio's side (deposit +, withdrawal −). */
  readonly flows: readonly { readonly date: string; readonly amount: number }[];
  /** Days per year of the annualisation; 365 by default. */
  readonly annualizationDays?: number;
}

/** One period's returns. */
export interface PeriodPerformance {
  readonly period: PerformancePeriod;
  readonly start: string;
  readonly end: string;
  readonly available: boolean;
  /** The base valuation's date (on or before start); null when not available. */
  readonly baseDate: string | null;
  readonly days: number | null;
  readonly atLeastOneYear: boolean;
  readonly twr: { readonly cumulative: number; readonly annualized: number | null } | null;
  readonly mwr: { readonly cumulative: number | null; readonly annualized: number | null } | null;
}

/**
 * TWR and MWR over each trailing period ending on the last date (see the module conventions).
 * Throws a RangeError when the arrays differ in length or there are fewer than two dates.
 */
export function performancePeriods(
  input: PerformanceInput,
  periods: readonly PerformancePeriod[] = PERFORMANCE_PERIODS,
): PeriodPerformance[] {
  const { dates, values, wealth, flows } = input;
  if (dates.length < 2) throw new RangeError(`performance needs at least two valuations, got ${dates.length}`);
  if (values.length !== dates.length || wealth.length !== dates.length)
    throw new RangeError('dates, values and wealth must have the same length');
  const basis = input.annualizationDays ?? 365;
  const last = dates.length - 1;
  const end = dates[last];
  return periods.map((period) => {
    const start = periodStartOf(period, end, dates[0]);
    let base = -1;
    for (let i = 0; i < last && dates[i] <= start; i++) base = i;
    if (base < 0 && calendarDaysBetween(start, dates[0]) <= START_GRACE_DAYS) base = 0;
    if (base < 0) {
      return { period, start, end, available: false, baseDate: null, days: null, atLeastOneYear: false, twr: null, mwr: null };
    }
    const baseDate = dates[base];
    const days = calendarDaysBetween(baseDate, end);
    const atLeastOneYear = isAtLeastOneYear(start, end);
    const cumulative = wealth[last] / wealth[base] - 1;
    const irr = xirr([
      { date: baseDate, amount: -values[base] },
      ...flows.filter((f) => f.date > baseDate && f.date <= end).map((f) => ({ date: f.date, amount: -f.amount })),
      { date: end, amount: values[last] },
    ]);
    return {
      period,
      start,
      end,
      available: true,
      baseDate,
      days,
      atLeastOneYear,
      twr: { cumulative, annualized: atLeastOneYear ? annualize(cumulative, days, basis) : null },
      mwr: {
        cumulative: irr === null ? null : Math.pow(1 + irr, days / 365) - 1,
        annualized: irr !== null && atLeastOneYear ? irr : null,
      },
    };
  });
}
