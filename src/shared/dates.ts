/** Calendar dates travel as 'YYYY-MM-DD' strings; Prisma's `@db.Date` columns as UTC midnights. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The years a date or date-time input may name (README, "Input values"): PostgreSQL has no year 0
 * and JavaScript reads years 0–99 as 1900–1999 in places, so both represent every day in these,
 * and no pack, trade or period of this domain falls outside them.
 */
export const ACCEPTED_YEARS = { first: 1900, last: 9999 } as const;

/** Whether a date input may name this year (ACCEPTED_YEARS). */
export function isAcceptedYear(year: number): boolean {
  return year >= ACCEPTED_YEARS.first && year <= ACCEPTED_YEARS.last;
}

/** 'YYYY-MM-DD' in form, with a year outside ACCEPTED_YEARS: out of range rather than malformed. */
export function isDateOutsideAcceptedYears(value: string): boolean {
  const match = ISO_DATE.exec(value);
  return match !== null && !isAcceptedYear(Number(match[1]));
}

/** A real calendar date 'YYYY-MM-DD' in ACCEPTED_YEARS. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match || !isAcceptedYear(Number(match[1]))) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** The UTC midnight a 'YYYY-MM-DD' date is stored as, in a `@db.Date` column. */
export function toDbDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

/** The 'YYYY-MM-DD' calendar date of a stored date: its UTC day. */
export function fromDbDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The calendar date `days` after (or before, when negative) an ISO date. */
export function addDays(isoDate: string, days: number): string {
  const date = toDbDate(isoDate);
  date.setUTCDate(date.getUTCDate() + days);
  return fromDbDate(date);
}

/** Today's date in UTC, the calendar every stored date uses. */
export function todayUtc(now: Date = new Date()): string {
  return fromDbDate(now);
}
