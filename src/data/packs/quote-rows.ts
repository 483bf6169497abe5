// A pack's prices and FX rates as the statements of src/data/packs return them: JSON arrays built
// in SQL, which cost far less to decode than a row each.

/** A pack's closing price of one security, in the security's currency, with the source it came from. */
export interface PriceRow {
  symbol: string;
  close: number;
  currency: string;
  source: string;
}

/** A pack's exchange rate for one currency, with the source it came from. */
export interface FxRow {
  currency: string;
  rate: number;
  source: string;
}

/** Prices from `json_agg(json_build_array(symbol, close, currency, source))`. */
export function priceRowsOf(json: string): PriceRow[] {
  return (JSON.parse(json) as [string, number, string, string][]).map(([symbol, close, currency, source]) => ({
    symbol,
    close: Number(close),
    currency,
    source,
  }));
}

/** FX rates from `json_agg(json_build_array(currency, rate, source))`. */
export function fxRowsOf(json: string): FxRow[] {
  return (JSON.parse(json) as [string, number, string][]).map(([currency, rate, source]) => ({ currency, rate: Number(rate), source }));
}
