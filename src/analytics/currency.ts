/**
 * Base-currency return of a foreign-currency holding, split into its local and currency parts.
 *
 *     1 + base = (1 + local)·(1 + fx)   ⇒   base = local + fx + local·fx
 *
 * Conventions (the README copies these):
 * - `localStart` / `localEnd` are the holding's value (or price) in its own currency.
 * - `fxStart` / `fxEnd` are exchange rates quoted by default as BASE currency per ONE unit of
 *   local currency ('base-per-local'): for a USD investor holding EUR assets, USD per EUR
 *   (EURUSD 1.20); for a CAD investor holding USD assets, CAD per USD (USDCAD 1.30). Rates quoted
 *   the other way round (local per base) are accepted with `fxQuote: 'local-per-base'` and
 *   inverted. Getting this direction wrong flips the sign of the currency effect.
 * - local = localEnd / localStart − 1; fx = the change of the base-per-local rate;
 *   interaction = local·fx (the cross term, reported on its own rather than folded into either
 *   effect), so base = local + fx + interaction exactly.
 * - Values and rates must be positive; the decomposition is multiplicative and undefined otherwise.
 */
import { assertFinite, assertPositive } from './numeric';

/** Which way an exchange rate is quoted: base currency per one unit of local currency (the default), or the inverse. */
export type FxQuote = 'base-per-local' | 'local-per-base';

/** A holding's start and end values in its own currency, and the exchange rates on those two dates. */
export interface CurrencyReturnInput {
  readonly localStart: number;
  readonly localEnd: number;
  readonly fxStart: number;
  readonly fxEnd: number;
  /** How fxStart / fxEnd are quoted; default 'base-per-local'. */
  readonly fxQuote?: FxQuote;
}

/**
 * A base-currency return split into its local, currency and interaction parts, which add up to it
 * exactly, with the start and end values converted to the base currency.
 */
export interface CurrencyReturn {
  /** Return in the base currency: (1 + local)(1 + fx) − 1. */
  readonly base: number;
  /** Return in the holding's own currency. */
  readonly local: number;
  /** Change of the base-per-local exchange rate. */
  readonly fx: number;
  /** Cross term local·fx. */
  readonly interaction: number;
  /** localStart converted at fxStart. */
  readonly baseStart: number;
  /** localEnd converted at fxEnd. */
  readonly baseEnd: number;
}

function basePerLocal(rate: number, quote: FxQuote): number {
  return quote === 'base-per-local' ? rate : 1 / rate;
}

/**
 * Splits a foreign holding's base-currency return into local and currency effects: base = local +
 * fx + local·fx, with fx the change of the base-per-local rate. Throws a RangeError unless every
 * value and rate is positive.
 */
export function decomposeCurrencyReturn(input: CurrencyReturnInput): CurrencyReturn {
  const quote = input.fxQuote ?? 'base-per-local';
  assertPositive(input.localStart, 'localStart');
  assertPositive(input.localEnd, 'localEnd');
  assertPositive(input.fxStart, 'fxStart');
  assertPositive(input.fxEnd, 'fxEnd');
  const rateStart = basePerLocal(input.fxStart, quote);
  const rateEnd = basePerLocal(input.fxEnd, quote);
  const local = input.localEnd / input.localStart - 1;
  const fx = rateEnd / rateStart - 1;
  return {
    base: (1 + local) * (1 + fx) - 1,
    local,
    fx,
    interaction: local * fx,
    baseStart: input.localStart * rateStart,
    baseEnd: input.localEnd * rateEnd,
  };
}

/**
 * A base-currency P&L (unrealised on an open position, or realised by a sale) split into a price
 * effect and a currency effect that add up to it.
 *
 * Conventions (the README copies these):
 * - The purchase rate is the cost-weighted average of the rates on the purchases' trade dates:
 *   baseCost / localCost, so the book cost in base is what the purchases cost in base when made.
 * - price effect = (localValue − localCost) × purchase rate: the gain in the holding's own
 *   currency, at the rate it was bought at (local return × base cost).
 * - currency effect = localValue × (rate − purchase rate): the change of the rate on today's value
 *   (fx return × base cost, plus the cross term local × fx).
 * - total = localValue × rate − baseCost = price effect + currency effect. With `decimals`, both
 *   effects are rounded to that many places first and the total is their sum, so the parts add up
 *   exactly at that precision.
 */
export interface PnlSplitInput {
  /** What the position cost, in its own currency (quantity × average cost). */
  readonly localCost: number;
  /** What it cost in the base currency, each purchase at its trade date's rate. */
  readonly baseCost: number;
  /** Its value (or the sale's proceeds), in its own currency. */
  readonly localValue: number;
  /** Base currency per one unit of its currency, today (or on the sale's trade date). */
  readonly rate: number;
}

/** A base-currency P&L split into its price and currency effects, with the returns behind them (see PnlSplitInput). */
export interface PnlSplit {
  /** localValue × rate − baseCost = priceEffect + currencyEffect. */
  readonly total: number;
  readonly priceEffect: number;
  readonly currencyEffect: number;
  /** baseCost / localCost: the cost-weighted rate of the purchases. */
  readonly purchaseRate: number;
  /** Return in base on the base cost: (1 + local)(1 + fx) − 1. */
  readonly baseReturn: number;
  /** Return in the holding's currency: localValue / localCost − 1. */
  readonly localReturn: number;
  /** Change of the rate since the purchases: rate / purchaseRate − 1. */
  readonly fxReturn: number;
  /** localReturn × fxReturn. */
  readonly interaction: number;
}

function roundTo(value: number, decimals: number | undefined): number {
  if (decimals === undefined) return value;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * Splits a foreign position's base-currency P&L into price and currency effects that sum to it
 * (see PnlSplitInput for the conventions). Throws a RangeError unless costs and rate are positive
 * and the value is finite and not negative.
 */
export function splitBaseCurrencyPnl(input: PnlSplitInput, decimals?: number): PnlSplit {
  assertPositive(input.localCost, 'localCost');
  assertPositive(input.baseCost, 'baseCost');
  assertPositive(input.rate, 'rate');
  assertFinite(input.localValue, 'localValue');
  if (input.localValue < 0) throw new RangeError(`localValue must be >= 0, got ${input.localValue}`);
  const purchaseRate = input.baseCost / input.localCost;
  const priceEffect = roundTo((input.localValue - input.localCost) * purchaseRate, decimals);
  const currencyEffect = roundTo(input.localValue * (input.rate - purchaseRate), decimals);
  const localReturn = input.localValue / input.localCost - 1;
  const fxReturn = input.rate / purchaseRate - 1;
  return {
    total: priceEffect + currencyEffect,
    priceEffect,
    currencyEffect,
    purchaseRate,
    baseReturn: (1 + localReturn) * (1 + fxReturn) - 1,
    localReturn,
    fxReturn,
    interaction: localReturn * fxReturn,
  };
}
