import { splitBaseCurrencyPnl } from '../../analytics';
import { entryAmount, sortEntries, type ReplayEntry } from '../../ledger/positions';

/**
 * Book cost and realised P&L in the base currency, each trade at its own trade date's rate.
 * Pure: the rates come in as a function. Same replay rules as LedgerBook (weighted average cost;
 * a SELL takes quantity × average cost out, in local and in base alike; a position sold down to
 * zero starts afresh), so its quantities and local costs are the positions' own.
 */

/** Quantities below this (relative to the position) are float noise: the position is closed (as in LedgerBook). */
const QUANTITY_TOLERANCE = 1e-9;

/** A security's base-currency book: its open position's cost, and what its sales realised, split. */
export interface BaseCostPosition {
  quantity: number;
  /** The open quantity's cost in its own currency (as Positions' costBasis). */
  localCost: number;
  /** The same cost in base: each purchase at its trade date's rate, sales taking out the average. */
  baseCost: number;
  /** P&L realised in base by every sale of the symbol, closed positions included. */
  realised: { total: number; priceEffect: number; currencyEffect: number };
}

/** Base currency per one unit of a currency on a trade date (the caller decides which pack's rate that is). */
export type RateOnTradeDate = (currency: string, tradeDate: string) => number;

/**
 * Replays BUY and SELL entries traded on or before `asOf` with each one's trade-date rate; realised
 * P&L is split into price and currency effects (see splitBaseCurrencyPnl), rounded to `decimals`.
 */
export function baseCostBook(
  entries: readonly ReplayEntry[],
  asOf: string,
  rateOn: RateOnTradeDate,
  decimals: number,
): Map<string, BaseCostPosition> {
  const book = new Map<string, BaseCostPosition>();
  for (const entry of sortEntries(entries)) {
    if (entry.tradeDate > asOf || entry.symbol === null || (entry.kind !== 'BUY' && entry.kind !== 'SELL')) continue;
    const position = book.get(entry.symbol) ?? {
      quantity: 0,
      localCost: 0,
      baseCost: 0,
      realised: { total: 0, priceEffect: 0, currencyEffect: 0 },
    };
    book.set(entry.symbol, position);
    const quantity = entry.quantity ?? 0;
    const amount = entryAmount(entry);
    const rate = rateOn(entry.currency, entry.tradeDate);
    if (entry.kind === 'BUY') {
      position.quantity += quantity;
      position.localCost += amount;
      position.baseCost += amount * rate;
      continue;
    }
    if (position.quantity <= 0) continue; // the ledger's own checks refuse such a sale
    const share = Math.min(1, quantity / position.quantity);
    const localCost = position.localCost * share;
    const baseCost = position.baseCost * share;
    if (localCost > 0 && baseCost > 0) {
      const split = splitBaseCurrencyPnl({ localCost, baseCost, localValue: amount, rate }, decimals);
      position.realised.total += split.total;
      position.realised.priceEffect += split.priceEffect;
      position.realised.currencyEffect += split.currencyEffect;
    }
    position.quantity -= quantity;
    position.localCost -= localCost;
    position.baseCost -= baseCost;
    if (Math.abs(position.quantity) <= QUANTITY_TOLERANCE * Math.max(1, quantity)) {
      position.quantity = 0;
      position.localCost = 0;
      position.baseCost = 0;
    }
  }
  return book;
}
