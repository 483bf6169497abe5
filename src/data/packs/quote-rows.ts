import type { FxRow, PriceRow } from './market-data';

// A pack's prices and FX rates as the statements of src/data/packs return them: JSON arrays built
// in SQL, which cost far less to decode than a row each.

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
