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
import { assertPositive } from './numeric';

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
