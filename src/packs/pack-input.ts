import { ACCEPTED_YEARS, addDays, isIsoDate, todayUtc } from '../shared/dates';
import { badInput, type InputIssue } from '../shared/errors';
import type { PackContent } from './pack-hash';

const CURRENCY = /^[A-Z]{3}$/;
const POLICY = /^[A-Z0-9]+(?:_[A-Z0-9]+)*_([A-Z]{3})$/;
const SYMBOL = /^[A-Za-z0-9.\-^=]{1,32}$/;
const SOURCE = /^[A-Za-z0-9 ._-]{1,64}$/;
const MAX_ROWS = 20_000;
/** Policies name a pack (and its id): bounded, as the database bounds them (NOTIFY payloads stay small). */
export const MAX_POLICY_LENGTH = 64;
/** No pack before this date: earlier is a typo (1826 for 2026), never a price history. */
export const EARLIEST_PACK_DATE = '1900-01-01';
/**
 * Days after today (UTC) a pack may be dated: a builder in Asia publishes tomorrow's date before
 * midnight UTC. More is a typo that would make a far-future pack the latest one — and, if it then
 * failed reconciliation, block every run until that date.
 */
export const PACK_DATE_TOLERANCE_DAYS = 1;
/**
 * Far above any real close or rate, and far enough below the largest double that the number
 * survives being written as decimal text on its way to PostgreSQL (Prisma writes 1.7976931348623157e308
 * rounded up, which float8 refuses).
 */
const MAX_VALUE = 1e12;

/** A policy names its base currency last: WM4PM_CAD values everything in CAD. */
export function baseCurrencyOf(policy: string): string {
  const match = POLICY.exec(policy);
  if (!match)
    throw badInput('policy must look like WM4PM_CAD (ending in its base currency)', [{ path: 'policy', message: 'invalid policy' }]);
  return match[1];
}

/**
 * Checks a pack a builder wants to publish. Every problem is reported at once, each with the
 * path of the offending field, so a builder fixes its payload in one round trip.
 */
export function validatePackContent(input: PackContent, today: string = todayUtc()): PackContent {
  const issues: InputIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  const latestDate = addDays(today, PACK_DATE_TOLERANCE_DAYS);
  if (!isIsoDate(input.date)) add('date', `must be a calendar date YYYY-MM-DD in the years ${ACCEPTED_YEARS.first}–${ACCEPTED_YEARS.last}`);
  else if (input.date < EARLIEST_PACK_DATE || input.date > latestDate) {
    add('date', `must be from ${EARLIEST_PACK_DATE} through ${latestDate} (today, UTC, plus ${PACK_DATE_TOLERANCE_DAYS} day)`);
  }
  const base = input.policy.length <= MAX_POLICY_LENGTH ? POLICY.exec(input.policy)?.[1] : undefined;
  if (input.policy.length > MAX_POLICY_LENGTH) add('policy', `at most ${MAX_POLICY_LENGTH} characters`);
  else if (!base) add('policy', 'must look like WM4PM_CAD (ending in its base currency)');
  if (input.prices.length === 0) add('prices', 'a pack needs at least one price');
  if (input.prices.length > MAX_ROWS) add('prices', `at most ${MAX_ROWS} prices`);
  if (input.fxRates.length > MAX_ROWS) add('fxRates', `at most ${MAX_ROWS} FX rates`);

  const symbols = new Set<string>();
  input.prices.forEach((price, i) => {
    const at = `prices.${i}`;
    if (!SYMBOL.test(price.symbol)) add(`${at}.symbol`, 'invalid symbol');
    else if (symbols.has(price.symbol)) add(`${at}.symbol`, `duplicate symbol ${price.symbol}`);
    symbols.add(price.symbol);
    if (!isPositiveValue(price.close)) add(`${at}.close`, `must be a positive number up to ${MAX_VALUE}`);
    if (!CURRENCY.test(price.currency)) add(`${at}.currency`, 'must be an ISO 4217 code like USD');
    if (!SOURCE.test(price.source)) add(`${at}.source`, 'invalid source name');
  });

  const currencies = new Set<string>();
  input.fxRates.forEach((fx, i) => {
    const at = `fxRates.${i}`;
    if (!CURRENCY.test(fx.currency)) add(`${at}.currency`, 'must be an ISO 4217 code like USD');
    else if (currencies.has(fx.currency)) add(`${at}.currency`, `duplicate currency ${fx.currency}`);
    else if (fx.currency === base) add(`${at}.currency`, `${fx.currency} is the pack's base currency`);
    currencies.add(fx.currency);
    if (!isPositiveValue(fx.rate)) add(`${at}.rate`, `must be a positive number up to ${MAX_VALUE}`);
    if (!SOURCE.test(fx.source)) add(`${at}.source`, 'invalid source name');
  });

  if (base) {
    input.prices.forEach((price, i) => {
      if (CURRENCY.test(price.currency) && price.currency !== base && !currencies.has(price.currency)) {
        add(`prices.${i}.currency`, `no FX rate from ${price.currency} to the base currency ${base}`);
      }
    });
  }

  if (issues.length > 0) throw badInput('The pricing pack is invalid', issues);
  return input;
}

function isPositiveValue(value: number): boolean {
  return Number.isFinite(value) && value > 0 && value <= MAX_VALUE;
}
