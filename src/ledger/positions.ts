/**
 * Holdings, cash and external flows replayed from ledger entries. Pure: no I/O, no clock.
 *
 * Conventions (the same as the demo ledger, and enforced on every append):
 * - every `amount` is positive; `kind` gives the direction of the money:
 *     DEPOSIT +amount, WITHDRAWAL −amount, BUY −amount, SELL +amount, DIVIDEND +amount, FEE −amount
 *   (all in the entry's `currency`, which for symbol entries is the security's currency);
 * - BUY/SELL: `amount` = quantity × price, the gross trade value. Commissions are separate FEE
 *   entries, so they lower cash and performance but never the cost basis;
 * - entries replay in ledger order: commit `seq`, then `ordinal` within the commit. Appends keep
 *   trade dates non-decreasing in that order, so "as of a date" is a prefix of the ledger;
 * - cost is the weighted average cost per symbol: a BUY adds its amount to the cost basis; a SELL
 *   takes quantity × average cost out of the basis (the average is unchanged) and realises
 *   amount − quantity × average cost as P&L. A position sold down to zero starts afresh.
 */
import type { LedgerEntryContent, LedgerEntryKindName } from '../data/ledger/ledger-records';

export type { LedgerEntryContent, LedgerEntryKindName };

/** Every kind of ledger entry (the direction of each is given above). */
export const LEDGER_ENTRY_KINDS: readonly LedgerEntryKindName[] = ['BUY', 'SELL', 'DEPOSIT', 'WITHDRAWAL', 'DIVIDEND', 'FEE'];

/** An entry with its place in the ledger. */
export interface ReplayEntry extends LedgerEntryContent {
  /** The seq of the commit holding the entry (1 for a portfolio's first commit). */
  seq: number;
  /** Position inside its commit, from 0. */
  ordinal: number;
}

/** An open position in one security, with its average cost and realised P&L. */
export interface Holding {
  symbol: string;
  /** The security's currency: averageCost, costBasis and realisedPnl are in it. */
  currency: string;
  quantity: number;
  /** Weighted average cost per unit. */
  averageCost: number;
  /** quantity × averageCost: what the open quantity cost. */
  costBasis: number;
  /** P&L realised by this symbol's SELLs since the position was opened (or last reopened). */
  realisedPnl: number;
}

/** An amount of money in one currency. */
export interface CurrencyAmount {
  currency: string;
  amount: number;
}

/** A portfolio's state replayed from its ledger: holdings, cash and realised P&L. */
export interface Positions {
  /** The as-of date the replay stopped at (inclusive), or null for the whole ledger. */
  asOf: string | null;
  /** Open positions (non-zero quantity), by symbol. */
  holdings: Holding[];
  /** Cash per currency, by currency; every currency the ledger touched, zero balances included. */
  cash: CurrencyAmount[];
  /** Realised P&L per currency, closed positions included, by currency. */
  realisedPnl: CurrencyAmount[];
}

/** The net deposits and withdrawals of one day in one currency: money moved in or out, not performance (see externalFlows). */
export interface ExternalFlow {
  date: string;
  currency: string;
  /** Signed: deposits positive, withdrawals negative; the net of the day in that currency. */
  amount: number;
}

/** Why an entry cannot follow the book's state. */
export type LedgerViolation =
  | { kind: 'OVERSOLD'; symbol: string; held: number; selling: number }
  | { kind: 'OVERDRAWN'; currency: string; balance: number; withdrawing: number };

/** A stored ledger that breaks its own invariants (a SELL of more than was held). */
export class LedgerReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerReplayError';
  }
}

/** Quantities below this (relative to the position) are float noise: the position is closed. */
const QUANTITY_TOLERANCE = 1e-9;
/** Cash shortfalls smaller than this are float noise, not an overdraft. */
const CASH_TOLERANCE = 1e-6;

const CASH_SIGN: Record<LedgerEntryKindName, 1 | -1> = {
  DEPOSIT: 1,
  WITHDRAWAL: -1,
  BUY: -1,
  SELL: 1,
  DIVIDEND: 1,
  FEE: -1,
};

/** The entry's signed effect on cash in its currency. */
export function cashEffect(entry: LedgerEntryContent): number {
  return CASH_SIGN[entry.kind] * entryAmount(entry);
}

/** The entry's amount; for a trade stored without one, quantity × price. */
export function entryAmount(entry: LedgerEntryContent): number {
  if (entry.amount !== null && entry.amount !== undefined) return entry.amount;
  if ((entry.kind === 'BUY' || entry.kind === 'SELL') && entry.quantity != null && entry.price != null) {
    return entry.quantity * entry.price;
  }
  return 0;
}

/** Ledger order: commit seq, then ordinal. Returns a sorted copy. */
export function sortEntries<T extends { seq: number; ordinal: number }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.seq - b.seq || a.ordinal - b.ordinal);
}

interface Lot {
  currency: string;
  quantity: number;
  costBasis: number;
  realisedPnl: number;
}

/** The running state of a ledger replay. */
export class LedgerBook {
  private readonly lots = new Map<string, Lot>();
  private readonly cashBalances = new Map<string, number>();
  private readonly realised = new Map<string, number>();

  quantityOf(symbol: string): number {
    return this.lots.get(symbol)?.quantity ?? 0;
  }

  cashOf(currency: string): number {
    return this.cashBalances.get(currency) ?? 0;
  }

  /** What stops the entry from following this state, or null. Overdraft is reported, not enforced: that is the writer's policy. */
  check(entry: LedgerEntryContent): LedgerViolation | null {
    if (entry.kind === 'SELL' && entry.symbol !== null) {
      const held = this.quantityOf(entry.symbol);
      const selling = entry.quantity ?? 0;
      if (selling - held > QUANTITY_TOLERANCE * Math.max(1, held)) return { kind: 'OVERSOLD', symbol: entry.symbol, held, selling };
    }
    const effect = cashEffect(entry);
    if (effect < 0) {
      const balance = this.cashOf(entry.currency);
      if (balance + effect < -CASH_TOLERANCE) return { kind: 'OVERDRAWN', currency: entry.currency, balance, withdrawing: -effect };
    }
    return null;
  }

  /** Applies one entry. A SELL of more than is held is never applied: it throws LedgerReplayError. */
  apply(entry: LedgerEntryContent): void {
    this.cashBalances.set(entry.currency, this.cashOf(entry.currency) + cashEffect(entry));
    if (entry.symbol === null) return;
    if (entry.kind === 'BUY') this.buy(entry.symbol, entry.currency, entry.quantity ?? 0, entryAmount(entry));
    else if (entry.kind === 'SELL') this.sell(entry.symbol, entry.quantity ?? 0, entryAmount(entry), entry.tradeDate);
  }

  private buy(symbol: string, currency: string, quantity: number, amount: number): void {
    const lot = this.lots.get(symbol) ?? { currency, quantity: 0, costBasis: 0, realisedPnl: 0 };
    lot.quantity += quantity;
    lot.costBasis += amount;
    this.lots.set(symbol, lot);
  }

  private sell(symbol: string, quantity: number, amount: number, tradeDate: string): void {
    const lot = this.lots.get(symbol);
    const held = lot?.quantity ?? 0;
    if (!lot || quantity - held > QUANTITY_TOLERANCE * Math.max(1, held)) {
      throw new LedgerReplayError(`ledger sells ${quantity} ${symbol} on ${tradeDate} while holding ${held}`);
    }
    const averageCost = lot.quantity > 0 ? lot.costBasis / lot.quantity : 0;
    const pnl = amount - quantity * averageCost;
    lot.realisedPnl += pnl;
    this.realised.set(lot.currency, (this.realised.get(lot.currency) ?? 0) + pnl);
    lot.quantity -= quantity;
    lot.costBasis -= quantity * averageCost;
    if (Math.abs(lot.quantity) <= QUANTITY_TOLERANCE * Math.max(1, quantity)) {
      // Closed: the next BUY opens a new position with its own average cost.
      this.lots.delete(symbol);
    }
  }

  snapshot(asOf: string | null = null): Positions {
    const holdings: Holding[] = [...this.lots.entries()]
      .filter(([, lot]) => lot.quantity !== 0)
      .sort(([a], [b]) => compare(a, b))
      .map(([symbol, lot]) => ({
        symbol,
        currency: lot.currency,
        quantity: lot.quantity,
        averageCost: lot.costBasis / lot.quantity,
        costBasis: lot.costBasis,
        realisedPnl: lot.realisedPnl,
      }));
    return { asOf, holdings, cash: byCurrency(this.cashBalances), realisedPnl: byCurrency(this.realised) };
  }
}

/**
 * Holdings and cash after every entry traded on or before `asOf` (inclusive; null = all),
 * replayed in ledger order (seq, then ordinal).
 */
export function computePositions(entries: readonly ReplayEntry[], asOf: string | null = null): Positions {
  const book = new LedgerBook();
  for (const entry of sortEntries(entries)) {
    if (asOf !== null && entry.tradeDate > asOf) continue;
    book.apply(entry);
  }
  return book.snapshot(asOf);
}

/**
 * External cash flows (DEPOSIT +amount, WITHDRAWAL −amount) traded in [from, to], both
 * inclusive (null = unbounded), netted per date and currency, sorted by date then currency.
 * DIVIDEND and FEE are not external: they are part of the portfolio's performance. A
 * time-weighted return over (start, end] wants `externalFlows(entries, dayAfter(start), end)`.
 */
export function externalFlows(entries: readonly LedgerEntryContent[], from: string | null, to: string | null): ExternalFlow[] {
  const net = new Map<string, ExternalFlow>();
  for (const entry of entries) {
    if (entry.kind !== 'DEPOSIT' && entry.kind !== 'WITHDRAWAL') continue;
    if ((from !== null && entry.tradeDate < from) || (to !== null && entry.tradeDate > to)) continue;
    const key = `${entry.tradeDate} ${entry.currency}`;
    const flow = net.get(key) ?? { date: entry.tradeDate, currency: entry.currency, amount: 0 };
    flow.amount += cashEffect(entry);
    net.set(key, flow);
  }
  return [...net.values()].sort((a, b) => compare(a.date, b.date) || compare(a.currency, b.currency));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byCurrency(amounts: ReadonlyMap<string, number>): CurrencyAmount[] {
  return [...amounts.entries()].sort(([a], [b]) => compare(a, b)).map(([currency, amount]) => ({ currency, amount }));
}
