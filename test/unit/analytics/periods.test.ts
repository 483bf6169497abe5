import { anniversary, calendarDaysBetween, isAtLeastOneYear, observedPeriodicity } from '../../../src/analytics';

/** Valuation dates every `step` days from 2024-01-01. */
function every(step: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i * step)).toISOString().slice(0, 10));
}

/** Business days (Monday to Friday) from 2024-01-01, a Monday. */
function businessDays(count: number): string[] {
  const out: string[] = [];
  for (let d = 0; out.length < count; d++) {
    const date = new Date(Date.UTC(2024, 0, 1 + d));
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) out.push(date.toISOString().slice(0, 10));
  }
  return out;
}

describe('periods: a year, and a series’ periodicity', () => {
  it('a period spans a year when it ends on or after its start’s anniversary (29 February → 1 March)', () => {
    expect(calendarDaysBetween('2024-01-01', '2024-01-04')).toBe(3);
    expect(anniversary('2025-11-20')).toBe('2026-11-20');
    expect(anniversary('2024-02-29')).toBe('2025-03-01');
    expect(isAtLeastOneYear('2025-11-20', '2026-11-20')).toBe(true);
    expect(isAtLeastOneYear('2025-11-21', '2026-11-20')).toBe(false);
    expect(isAtLeastOneYear('2024-01-01', '2024-01-04')).toBe(false);
    expect(isAtLeastOneYear('2024-02-29', '2025-02-28')).toBe(false);
  });

  it.each([
    ['business days', businessDays(60), 'daily', 252],
    ['calendar days', every(1, 30), 'daily', 252],
    ['weeks', every(7, 20), 'weekly', 52],
    ['months', every(30, 12), 'monthly', 12],
    ['quarters', every(91, 8), 'quarterly', 4],
    ['years', every(365, 4), 'annual', 1],
  ])('%s → %s (%d a year)', (_, dates, name, periodsPerYear) => {
    expect(observedPeriodicity(dates)).toEqual({ name, periodsPerYear });
  });

  it('the median gap decides: a few missing packs do not make a daily series weekly', () => {
    const dates = businessDays(40).filter((_, i) => i % 9 !== 4);
    expect(observedPeriodicity(dates)?.name).toBe('daily');
  });

  it('no gap to measure: null', () => {
    expect(observedPeriodicity(['2024-01-01'])).toBeNull();
  });
});
