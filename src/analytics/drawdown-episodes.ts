/**
 * Drawdown episodes of a wealth index: every fall from a peak, its trough and its recovery.
 *
 * Conventions (the README copies these):
 * - The wealth index is flow-adjusted (1 + cumulative time-weighted return), one value per dated
 *   valuation, the first one the base (as empyrical: a fall on the first period is a drawdown).
 * - An episode starts at a peak (the last valuation at the running maximum) when wealth first
 *   falls below it; its trough is the lowest wealth before recovery; it recovers on the first
 *   valuation whose wealth is back at or above the peak. One that has not recovered by the last
 *   valuation is open: recovery null.
 * - depth = trough / peak − 1 (≤ 0). Lengths are calendar days: peak → trough, trough → recovery
 *   (time to recover) and peak → recovery (the episode's length; to the last valuation while open).
 * - Episodes are listed worst first (deepest; ties by the earlier peak).
 */
import { assertPositive } from './numeric';
import { calendarDaysBetween } from './periods';

/** One drawdown from a peak to its recovery (or to the end of the series while still open). */
export interface DrawdownEpisode {
  readonly peakDate: string;
  readonly troughDate: string;
  /** The first date wealth is back at the peak; null while the episode is open. */
  readonly recoveryDate: string | null;
  readonly depth: number;
  readonly peakWealth: number;
  readonly troughWealth: number;
  readonly daysPeakToTrough: number;
  /** Trough → recovery in calendar days; null while open. */
  readonly daysToRecover: number | null;
  /** Peak → recovery, or peak → last date while open, in calendar days. */
  readonly lengthDays: number;
  /** Valuations from the peak to the recovery (or the last) inclusive. */
  readonly observations: number;
  readonly recovered: boolean;
}

/** Relative slack under which wealth counts as back at its peak: float noise of chain-linking, not a loss. */
const RECOVERY_TOLERANCE = 1e-12;

/**
 * Every drawdown episode of a dated wealth index, worst first (see the module conventions). Throws
 * a RangeError when the arrays differ in length or a wealth is not positive.
 */
export function drawdownEpisodes(dates: readonly string[], wealth: readonly number[]): DrawdownEpisode[] {
  if (dates.length !== wealth.length)
    throw new RangeError(`dates (${dates.length}) and wealth (${wealth.length}) must have the same length`);
  wealth.forEach((w, i) => assertPositive(w, `wealth[${i}]`));
  const episodes: DrawdownEpisode[] = [];
  let peak = 0;
  let trough = 0;
  let inDrawdown = false;
  const close = (end: number, recovered: boolean) => {
    episodes.push({
      peakDate: dates[peak],
      troughDate: dates[trough],
      recoveryDate: recovered ? dates[end] : null,
      depth: wealth[trough] / wealth[peak] - 1,
      peakWealth: wealth[peak],
      troughWealth: wealth[trough],
      daysPeakToTrough: calendarDaysBetween(dates[peak], dates[trough]),
      daysToRecover: recovered ? calendarDaysBetween(dates[trough], dates[end]) : null,
      lengthDays: calendarDaysBetween(dates[peak], dates[end]),
      observations: end - peak + 1,
      recovered,
    });
  };
  for (let i = 1; i < wealth.length; i++) {
    const back = wealth[i] >= wealth[peak] * (1 - RECOVERY_TOLERANCE);
    if (inDrawdown) {
      if (back) {
        close(i, true);
        inDrawdown = false;
        peak = i;
      } else if (wealth[i] < wealth[trough]) trough = i;
    } else if (back) peak = i;
    else {
      inDrawdown = true;
      trough = i;
    }
  }
  if (inDrawdown) close(wealth.length - 1, false);
  return episodes.sort((a, b) => a.depth - b.depth || a.peakDate.localeCompare(b.peakDate));
}
