/**
 * The rules a batch of new ledger entries must follow, checked against the ledger they extend.
 * Pure: the caller supplies the securities and the existing entries. Every problem is reported
 * at once, each with the path of the offending field (`entries.3.symbol`), so a client or an
 * operator fixes a whole batch in one round trip.
 */
import { addDays, isDateOutsideAcceptedYears, isIsoDate } from '../shared/dates';
import { decimalPlaces } from '../shared/decimal-places';
import type { InputIssue } from '../shared/errors';
import {
  LEDGER_ENTRY_KINDS,
  LedgerBook,
  sortEntries,
  type LedgerEntryContent,
  type LedgerEntryKindName,
  type ReplayEntry,
} from './positions';

/** An entry as a client or a CSV file gives it: untrusted, optional fields possibly missing. */
export interface LedgerEntryInput {
  kind: string;
  tradeDate: string;
  symbol?: string | null;
  quantity?: number | null;
  price?: number | null;
  currency: string;
  amount?: number | null;
}

/** What the rules need of a security: its currency, which the entries naming it must use. */
export interface SecurityInfo {
  symbol: string;
  currency: string;
}

/** Entries one appendLedgerEntries request may carry: a request's size. The CSV import streams and has no such bound. */
export const MAX_ENTRIES_PER_COMMIT = 10_000;
/** Longest commit message, in characters (after trimming). */
export const MAX_MESSAGE_LENGTH = 1_000;
/** A given BUY/SELL amount may differ from quantity × price by this fraction (float rounding). */
export const AMOUNT_TOLERANCE = 1e-6;
/** No trade date before this one: earlier is a typo (1800 for 2018), never a holding. */
export const EARLIEST_TRADE_DATE = '1900-01-01';
/**
 * Days after today (UTC) a trade date may be: a trade booked in Asia before midnight UTC is already
 * dated tomorrow. More would be worse than wrong: later entries may not be older than the
 * latest, so one far-future date freezes the portfolio.
 */
export const TRADE_DATE_TOLERANCE_DAYS = 1;
/** Largest quantity, price or amount: beyond any real holding, and well below 9e15 / 100, where doubles stop holding cents. */
export const MAX_ENTRY_NUMBER = 1e12;
/** Precision of quantities, prices and amounts, as in results (README: result envelope). */
export const MAX_DECIMAL_PLACES = 8;

const SYMBOL = /^[A-Za-z0-9.\-^=]{1,32}$/;
const CURRENCY = /^[A-Z]{3}$/;
const ISO_CURRENCIES: ReadonlySet<string> | null = (() => {
  try {
    return new Set(Intl.supportedValuesOf('currency'));
  } catch {
    return null; // a Node without full ICU: the shape check alone
  }
})();

/** A three-letter ISO 4217 code this Node knows (the shape alone on a Node without full ICU). */
export function isIsoCurrency(code: string): boolean {
  return CURRENCY.test(code) && (ISO_CURRENCIES === null || ISO_CURRENCIES.has(code));
}

const TRADE_KINDS: ReadonlySet<string> = new Set(['BUY', 'SELL']);
const CASH_KINDS: ReadonlySet<string> = new Set(['DEPOSIT', 'WITHDRAWAL', 'FEE']);

/** Entries to check, with what is known about the ledger they extend. */
export interface EntryValidationContext {
  /** Securities by symbol (at least every symbol the entries name). */
  securities: ReadonlyMap<string, SecurityInfo>;
  /** The ledger as of its head. */
  existing: readonly ReplayEntry[];
  /** Today's date in UTC (YYYY-MM-DD): given, not read from a clock, so the rule is testable. */
  today: string;
}

/** The outcome of checking entries: what would be stored, and every problem. */
export interface EntryValidationResult {
  /** The entries as they will be stored and hashed (amount filled in for trades); meaningful when there are no issues. */
  contents: LedgerEntryContent[];
  issues: InputIssue[];
}

/** The symbols the entries name, for the caller to look up. */
export function symbolsOf(entries: readonly LedgerEntryInput[]): string[] {
  return [...new Set(entries.map((e) => normaliseSymbol(e.symbol)).filter((s): s is string => s !== null))];
}

/**
 * Checks new entries in order against the existing ledger:
 * - shape per kind — BUY/SELL: symbol, quantity \> 0, price \> 0, amount defaults to
 *   quantity × price and must match it when given; DIVIDEND: symbol, amount \> 0;
 *   DEPOSIT/WITHDRAWAL/FEE: amount \> 0 and no symbol; quantity and price only on trades;
 * - quantity, price and amount: finite, at most MAX_ENTRY_NUMBER (a computed trade amount too) and
 *   at most MAX_DECIMAL_PLACES decimals;
 * - the symbol is a known security and the currency (ISO 4217) is the security's;
 * - trade dates from EARLIEST_TRADE_DATE through today + TRADE_DATE_TOLERANCE_DAYS, and never
 *   going back: not before the ledger's latest trade date, nor the previous entry's;
 * - replaying the ledger and then the new entries in order, no SELL exceeds the holding and no
 *   WITHDRAWAL, FEE or BUY takes that currency's cash below zero (no overdraft: the demo ledger
 *   never needs one, and a ledger that goes negative is almost always a missing DEPOSIT);
 * - one commit holds from 1 to MAX_ENTRIES_PER_COMMIT entries (a request's size; the CSV import
 *   streams through LedgerEntryChecker and has no such bound).
 */
export function validateEntries(entries: readonly LedgerEntryInput[], context: EntryValidationContext): EntryValidationResult {
  const issues: InputIssue[] = [];
  if (entries.length === 0) issues.push({ path: 'entries', message: 'a commit needs at least one entry' });
  if (entries.length > MAX_ENTRIES_PER_COMMIT)
    issues.push({ path: 'entries', message: `at most ${MAX_ENTRIES_PER_COMMIT} entries per commit` });
  const checker = new LedgerEntryChecker(context.today);
  checker.replay(sortEntries(context.existing));
  const result = checker.check(entries, context.securities);
  return { contents: result.contents, issues: [...issues, ...result.issues] };
}

/**
 * validateEntries' rules, applied to entries that arrive in batches (an import of any size): it
 * keeps only the running state — holdings and cash per currency, the latest trade date — so its
 * memory does not grow with the number of entries. Paths count entries across batches
 * (`entries.12345.amount`); the caller looks up each batch's securities (SecurityInfo by symbol),
 * which is where a check that symbols exist belongs.
 */
export class LedgerEntryChecker {
  private readonly book = new LedgerBook();
  private latestDate: string | null = null;
  /** Where latestDate comes from: the stored ledger, or one of the new entries. */
  private latestFrom: 'ledger' | 'entries' = 'ledger';
  private readonly latestAllowed: string;
  private checked = 0;

  /** today: the date in UTC (YYYY-MM-DD), given rather than read from a clock so the rule is testable. */
  constructor(today: string) {
    this.latestAllowed = addDays(today, TRADE_DATE_TOLERANCE_DAYS);
  }

  /** How many new entries were checked so far. */
  get entryCount(): number {
    return this.checked;
  }

  /** Applies stored entries, in ledger order, before any new entry is checked. */
  replay(existing: Iterable<LedgerEntryContent>): void {
    for (const entry of existing) {
      this.book.apply(entry);
      if (this.latestDate === null || entry.tradeDate > this.latestDate) this.latestDate = entry.tradeDate;
    }
  }

  /**
   * Checks the next entries, in order, after every entry checked before. Entries with problems
   * do not move the book, so a later entry is judged as if they were not there.
   */
  check(entries: readonly LedgerEntryInput[], securities: ReadonlyMap<string, SecurityInfo>): EntryValidationResult {
    const issues: InputIssue[] = [];
    const contents: LedgerEntryContent[] = [];
    for (const input of entries) {
      const content = this.checkOne(input, `entries.${this.checked++}`, securities, issues);
      if (content !== null) contents.push(content);
    }
    return { contents, issues };
  }

  /** The entry's stored form (null for an unknown kind); its problems go to issues. */
  private checkOne(
    input: LedgerEntryInput,
    at: string,
    securities: ReadonlyMap<string, SecurityInfo>,
    issues: InputIssue[],
  ): LedgerEntryContent | null {
    const add = (path: string, message: string) => issues.push({ path, message });
    const before = issues.length;
    const content = checkShape(input, at, securities, add);

    // A date out of range is reported as such and sets no order: one typo must not make every
    // later entry "before" it.
    const { latestAllowed, latestDate } = this;
    const dateInRange = isIsoDate(input.tradeDate) && input.tradeDate >= EARLIEST_TRADE_DATE && input.tradeDate <= latestAllowed;
    if ((isIsoDate(input.tradeDate) && !dateInRange) || isDateOutsideAcceptedYears(input.tradeDate)) {
      add(
        `${at}.tradeDate`,
        `must be from ${EARLIEST_TRADE_DATE} through ${latestAllowed} (today, UTC, plus ${TRADE_DATE_TOLERANCE_DAYS} day)`,
      );
    } else if (dateInRange && latestDate !== null && input.tradeDate < latestDate) {
      add(
        `${at}.tradeDate`,
        this.latestFrom === 'ledger'
          ? `${input.tradeDate} is before ${latestDate}, the latest trade date already in the ledger`
          : `${input.tradeDate} is before ${latestDate}, the trade date of an earlier entry (entries go in date order)`,
      );
    } else if (dateInRange && (latestDate === null || input.tradeDate > latestDate)) {
      this.latestDate = input.tradeDate;
      this.latestFrom = 'entries';
    }

    if (content === null || issues.length > before) return content;
    const violation = this.book.check(content);
    if (violation?.kind === 'OVERSOLD') {
      add(`${at}.quantity`, `sells ${violation.selling} ${violation.symbol} but the ledger holds ${violation.held} at that point`);
    } else if (violation?.kind === 'OVERDRAWN') {
      add(
        `${at}.amount`,
        `takes ${violation.currency} cash below zero (balance ${violation.balance.toFixed(2)}, needs ${violation.withdrawing.toFixed(2)}); deposit first`,
      );
    } else {
      this.book.apply(content);
    }
    return content;
  }
}

function normaliseSymbol(symbol: string | null | undefined): string | null {
  if (symbol === null || symbol === undefined) return null;
  const trimmed = symbol.trim();
  return trimmed === '' ? null : trimmed;
}

const present = (value: number | null | undefined): value is number => value !== null && value !== undefined;

type NumberField = 'quantity' | 'price' | 'amount';
const MAX_ENTRY_NUMBER_TEXT = '1e12';

/** What is wrong with a quantity, price or amount, or null. All three are positive in every kind. */
function numberProblem(value: number): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (!(value > 0)) return 'must be greater than zero (direction comes from kind)';
  if (value > MAX_ENTRY_NUMBER) return `must be at most ${MAX_ENTRY_NUMBER_TEXT}`;
  if (decimalPlaces(value) > MAX_DECIMAL_PLACES) return `must have at most ${MAX_DECIMAL_PLACES} decimal places`;
  return null;
}

/** The stored form of one entry, or null when its kind is unknown. Problems go to `add`. */
function checkShape(
  input: LedgerEntryInput,
  at: string,
  securities: ReadonlyMap<string, SecurityInfo>,
  add: (path: string, message: string) => void,
): LedgerEntryContent | null {
  const kind = input.kind as LedgerEntryKindName;
  if (!LEDGER_ENTRY_KINDS.includes(kind)) {
    add(`${at}.kind`, `must be one of ${LEDGER_ENTRY_KINDS.join(', ')}`);
    return null;
  }
  // The year 1800 is out of range, not malformed: the range check says so.
  if (!isIsoDate(input.tradeDate) && !isDateOutsideAcceptedYears(input.tradeDate))
    add(`${at}.tradeDate`, 'must be a calendar date YYYY-MM-DD');
  const currencyValid = isIsoCurrency(input.currency);
  if (!currencyValid) add(`${at}.currency`, 'must be an ISO 4217 currency code like USD');

  // One problem per field: the first of the rules in numberProblem that it breaks.
  const bounded = (field: NumberField, value: number): boolean => {
    const problem = numberProblem(value);
    if (problem !== null) add(`${at}.${field}`, problem);
    return problem === null;
  };
  const required = (field: NumberField, value: number | null | undefined): boolean => {
    if (present(value)) return bounded(field, value);
    add(`${at}.${field}`, `required for ${kind}`);
    return false;
  };
  const absent = (field: 'quantity' | 'price', value: number | null | undefined) => {
    if (present(value)) add(`${at}.${field}`, `not used by ${kind}`);
  };

  const symbol = normaliseSymbol(input.symbol);
  const amount = present(input.amount) ? input.amount : null;

  if (TRADE_KINDS.has(kind) || kind === 'DIVIDEND') {
    if (symbol === null) add(`${at}.symbol`, `required for ${kind}`);
    else if (!SYMBOL.test(symbol)) add(`${at}.symbol`, 'invalid symbol');
    else {
      const security = securities.get(symbol);
      if (!security) add(`${at}.symbol`, `unknown symbol ${symbol}; register it first (upsertSecurities)`);
      else if (currencyValid && security.currency !== input.currency) {
        add(`${at}.currency`, `${symbol} trades in ${security.currency}, not ${input.currency}`);
      }
    }
  }
  if (TRADE_KINDS.has(kind)) {
    const quantityOk = required('quantity', input.quantity);
    const priceOk = required('price', input.price);
    const amountOk = amount === null || bounded('amount', amount);
    if (quantityOk && priceOk && amountOk) {
      const gross = (input.quantity as number) * (input.price as number);
      if (amount === null) {
        // Left out, it is computed (storedEntry), and must then be within bounds too.
        if (gross > MAX_ENTRY_NUMBER) add(`${at}.amount`, `quantity × price is ${gross}, above ${MAX_ENTRY_NUMBER_TEXT}`);
      } else if (!(Math.abs(amount - gross) <= AMOUNT_TOLERANCE * gross)) {
        add(`${at}.amount`, `must equal quantity × price (${gross}); leave it out to have it computed`);
      }
    }
  } else {
    required('amount', input.amount);
    absent('quantity', input.quantity);
    absent('price', input.price);
    if (CASH_KINDS.has(kind) && symbol !== null) add(`${at}.symbol`, `not used by ${kind}`);
  }

  return storedEntry(input);
}

/**
 * The form in which an entry that passed the checks is stored and hashed: symbol trimmed,
 * quantity and price only on trades, a trade's amount computed when not given. For an entry
 * already checked (the second pass of a streamed append), without looking anything up again.
 */
export function storedEntry(input: LedgerEntryInput): LedgerEntryContent {
  const kind = input.kind as LedgerEntryKindName;
  const trade = TRADE_KINDS.has(kind);
  const quantity = trade && present(input.quantity) ? input.quantity : null;
  const price = trade && present(input.price) ? input.price : null;
  let amount = present(input.amount) ? input.amount : null;
  if (amount === null && quantity !== null && price !== null) amount = quantity * price;
  return { kind, tradeDate: input.tradeDate, symbol: normaliseSymbol(input.symbol), quantity, price, currency: input.currency, amount };
}
