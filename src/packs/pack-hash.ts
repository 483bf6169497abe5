import { contentHash } from '../shared/canonical-json';

/** A closing price as a pack publishes it and its hash covers it. */
export interface PackPriceContent {
  symbol: string;
  close: number;
  currency: string;
  source: string;
}

/** An FX rate as a pack publishes it and its hash covers it. */
export interface PackFxContent {
  currency: string;
  rate: number;
  source: string;
}

/** What a pack's hash is computed from: its date, policy, prices and FX rates. */
export interface PackContent {
  date: string; // YYYY-MM-DD
  policy: string;
  prices: PackPriceContent[];
  fxRates: PackFxContent[];
}

/** Distinct data sources of a pack's prices and FX, sorted: the pack's `sources`. */
export function packSources(content: Pick<PackContent, 'prices' | 'fxRates'>): string[] {
  return [...new Set([...content.prices.map((p) => p.source), ...content.fxRates.map((f) => f.source)])].sort();
}

/**
 * The pack's identity as content: its date, policy, prices, FX and sources. Order of the input
 * rows does not matter, so two builders that publish the same data get the same hash.
 */
export function computePackHash(content: PackContent): string {
  const prices = [...content.prices]
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map(({ symbol, close, currency, source }) => ({ symbol, close, currency, source }));
  const fxRates = [...content.fxRates]
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map(({ currency, rate, source }) => ({ currency, rate, source }));
  return contentHash({ date: content.date, policy: content.policy, prices, fxRates, sources: packSources(content) });
}
