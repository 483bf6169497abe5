/**
 * Period arithmetic of the return conventions: how long a period is, whether it is long enough to
 * annualise, and how often a valuation series is observed.
 *
 * Conventions (the README copies these):
 * - Dates are 'YYYY-MM-DD' calendar dates, no time zone.
 * - A period is "at least a year" when its end is on or after its start's anniversary (29 February
 *   → 1 March of the next year). GIPS: returns of shorter periods must not be annualised.
 * - A series' periodicity is read from the median gap between consecutive valuation dates, in
 *   calendar days: up to 4 daily (252 periods a year: weekends and holidays leave 3- and 4-day
 *   gaps), up to 10 weekly (52), up to 45 monthly (12), up to 135 quarterly (4), beyond annual
 *   (1). The median, not the mean, so a few missing packs do not change it.
 */
import { isoDateToDayNumber } from './xirr';

/** How often a series is observed, and the periods per year that annualise its risk. */
export interface Periodicity {
  readonly name: 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'annual';
  readonly periodsPerYear: number;
}

/** Largest median gap, in calendar days, of each periodicity, shortest first. */
const PERIODICITIES: readonly (Periodicity & { readonly maxGapDays: number })[] = [
  { name: 'daily', periodsPerYear: 252, maxGapDays: 4 },
  { name: 'weekly', periodsPerYear: 52, maxGapDays: 10 },
  { name: 'monthly', periodsPerYear: 12, maxGapDays: 45 },
  { name: 'quarterly', periodsPerYear: 4, maxGapDays: 135 },
  { name: 'annual', periodsPerYear: 1, maxGapDays: Infinity },
];

/** Calendar days from start to end (negative when end is earlier). */
export function calendarDaysBetween(start: string, end: string): number {
  return isoDateToDayNumber(end) - isoDateToDayNumber(start);
}

/** The same day one year later; 29 February goes to 1 March. */
export function anniversary(date: string): string {
  const day = new Date(isoDateToDayNumber(date) * 86_400_000);
  day.setUTCFullYear(day.getUTCFullYear() + 1);
  return day.toISOString().slice(0, 10);
}

/** Whether [start, end] spans a whole year: end on or after start's anniversary. */
export function isAtLeastOneYear(start: string, end: string): boolean {
  return end >= anniversary(start);
}

/**
 * The periodicity of a series from the median gap between its ascending dates. Null with fewer
 * than two dates (no gap to measure).
 */
export function observedPeriodicity(dates: readonly string[]): Periodicity | null {
  if (dates.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < dates.length; i++) gaps.push(calendarDaysBetween(dates[i - 1], dates[i]));
  gaps.sort((a, b) => a - b);
  const middle = gaps.length >> 1;
  const median = gaps.length % 2 === 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
  const match = PERIODICITIES.find((p) => median <= p.maxGapDays)!;
  return { name: match.name, periodsPerYear: match.periodsPerYear };
}
