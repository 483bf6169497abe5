/**
 * Holdings and cash over time as intervals: what a portfolio held from which date until which,
 * from one replay of its ledger. Pure: no I/O, no clock.
 */
import type { CashInterval, HoldingInterval } from '../data/packs/daily-valuation';
import { LedgerBook, type ReplayEntry } from './positions';

export type { CashInterval, HoldingInterval };

/** A position smaller than this is nothing: it is neither valued nor priced. */
const HELD_QUANTITY = 1e-12;

/** A ledger's holdings and cash as intervals, with the symbols and currencies it names. */
export interface LedgerIntervals {
  holdings: HoldingInterval[];
  cash: CashInterval[];
  /** Every symbol the ledger names, in order of first appearance. */
  symbols: string[];
  /** Every currency the ledger touched, in order of first appearance: each has a (possibly zero) cash balance. */
  currencies: string[];
  /** Each symbol's currency: that of its first entry. */
  currencyOfSymbol: Map<string, string>;
}

/**
 * Replays entries (in ledger order) and returns what was held when. On a valuation date d, the
 * portfolio holds what the entries up to the first one traded after d leave: an entry takes effect
 * on the latest trade date up to and including its own (trade dates only ever rise along a ledger,
 * so that is its own date). Entries taking effect after `through` are not replayed.
 *
 * A holding's interval covers the valuation dates d with from ≤ d and d before until; a change of quantity closes it
 * and opens the next. There are at most as many intervals as entries, whatever the period's length.
 */
export function ledgerIntervals(entries: readonly ReplayEntry[], through: string): LedgerIntervals {
  const symbols: string[] = [];
  const currencyOfSymbol = new Map<string, string>();
  const currencies: string[] = [];
  for (const e of entries) {
    if (e.symbol && !currencyOfSymbol.has(e.symbol)) {
      currencyOfSymbol.set(e.symbol, e.currency);
      symbols.push(e.symbol);
    }
    if (!currencies.includes(e.currency)) currencies.push(e.currency);
  }

  const book = new LedgerBook();
  const holdings: HoldingInterval[] = [];
  const cash: CashInterval[] = [];
  const openHolding = new Map<string, HoldingInterval>();
  const openCash = new Map<string, CashInterval>();
  let effective = '';
  let next = 0;
  while (next < entries.length) {
    effective = entries[next].tradeDate > effective ? entries[next].tradeDate : effective;
    if (effective > through) break;
    // Every entry taking effect on the same date, then one look at what they changed.
    const touchedSymbols = new Set<string>();
    const touchedCurrencies = new Set<string>();
    while (next < entries.length && entries[next].tradeDate <= effective) {
      const entry = entries[next++];
      book.apply(entry);
      if (entry.symbol) touchedSymbols.add(entry.symbol);
      touchedCurrencies.add(entry.currency);
    }
    for (const symbol of touchedSymbols) {
      const quantity = book.quantityOf(symbol);
      const open = openHolding.get(symbol);
      if (open && open.quantity === quantity) continue;
      if (open) {
        open.until = effective;
        openHolding.delete(symbol);
      }
      if (Math.abs(quantity) < HELD_QUANTITY) continue;
      const interval: HoldingInterval = { symbol, currency: currencyOfSymbol.get(symbol)!, from: effective, until: null, quantity };
      holdings.push(interval);
      openHolding.set(symbol, interval);
    }
    for (const currency of touchedCurrencies) {
      const amount = book.cashOf(currency);
      const open = openCash.get(currency);
      if (open && open.amount === amount) continue;
      if (open) {
        open.until = effective;
        openCash.delete(currency);
      }
      if (amount === 0) continue;
      const interval: CashInterval = { currency, from: effective, until: null, amount };
      cash.push(interval);
      openCash.set(currency, interval);
    }
  }
  return { holdings, cash, symbols, currencies, currencyOfSymbol };
}

/** The holdings held on a date, by symbol. */
export function heldOn(holdings: readonly HoldingInterval[], date: string): Map<string, HoldingInterval> {
  return new Map(holdings.filter((h) => h.from <= date && (h.until === null || date < h.until)).map((h) => [h.symbol, h]));
}

/** How many securities are held on each of some ascending dates: one sweep over the intervals' ends. */
export function heldCounts(holdings: readonly HoldingInterval[], dates: readonly string[]): number[] {
  const opens = holdings.map((h) => h.from).sort();
  const closes = holdings.flatMap((h) => (h.until === null ? [] : [h.until])).sort();
  let opened = 0;
  let closed = 0;
  return dates.map((date) => {
    while (opened < opens.length && opens[opened] <= date) opened++;
    while (closed < closes.length && closes[closed] <= date) closed++;
    return opened - closed;
  });
}

/** The cash per currency on each of some ascending dates (a currency without a balance is absent). */
export function cashOnDates(cash: readonly CashInterval[], dates: readonly string[]): Map<string, number>[] {
  // Intervals come in the order they opened, and one currency's never overlap: the latest opened
  // one of a currency is its balance until it closes.
  const sorted = [...cash].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const current = new Map<string, CashInterval>();
  let next = 0;
  return dates.map((date) => {
    while (next < sorted.length && sorted[next].from <= date) current.set(sorted[next].currency, sorted[next++]);
    const balances = new Map<string, number>();
    for (const [currency, interval] of current)
      if (interval.until === null || date < interval.until) balances.set(currency, interval.amount);
    return balances;
  });
}
