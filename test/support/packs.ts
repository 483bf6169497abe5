import type { CreatePricingPackInput } from '../generated/operations';

/** A small valid pack for a given day: two CAD prices, one USD price and its FX rate. */
export function samplePack(date: string, overrides: Partial<CreatePricingPackInput> = {}): CreatePricingPackInput {
  return {
    date,
    policy: 'WM4PM_CAD',
    prices: [
      { symbol: 'RY.TO', close: 171.25, currency: 'CAD', source: 'FMP' },
      { symbol: 'TD.TO', close: 84.1, currency: 'CAD', source: 'FMP' },
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
    ],
    fxRates: [{ currency: 'USD', rate: 1.3912, source: 'FRED' }],
    ...overrides,
  };
}
