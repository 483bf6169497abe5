import { CapabilityError } from '../../runtime/capability';

/**
 * Converts into the result's base currency with the pack's rates, which all quote into the
 * pack's base currency: a portfolio in another base currency goes through a cross rate.
 */
export class FxConverter {
  constructor(
    private readonly rates: ReadonlyMap<string, number>,
    private readonly packBase: string,
    private readonly resultBase: string,
  ) {}

  /** Units of the result's base currency for one unit of currency, or undefined when the pack lacks a rate. */
  rate(currency: string): number | undefined {
    const toPack = (c: string) => (c === this.packBase ? 1 : this.rates.get(c));
    const from = toPack(currency);
    const base = toPack(this.resultBase);
    return from === undefined || base === undefined ? undefined : from / base;
  }

  convert(amount: number, currency: string): number {
    const rate = this.rate(currency);
    if (rate === undefined) throw new CapabilityError('FX_RATE_MISSING', `the pack has no FX rate for ${currency}`);
    return amount * rate;
  }
}
