import { concentration } from '../../../src/analytics';

describe('concentration', () => {
  const holdings = [
    { symbol: 'A', assetClass: 'EQUITY', currency: 'CAD', valueBase: 600 },
    { symbol: 'B', assetClass: 'EQUITY', currency: 'USD', valueBase: 300 },
    { symbol: 'C', assetClass: 'FIXED_INCOME', currency: 'CAD', valueBase: 100 },
  ];

  it('the Herfindahl index of the invested value, top-N and exposures that add up to 1 with cash', () => {
    const c = concentration(holdings, [{ currency: 'CAD', valueBase: 1_000 }], 2);
    expect(c.herfindahl).toBeCloseTo(0.36 + 0.09 + 0.01, 15);
    expect(c.effectiveNumberOfHoldings).toBeCloseTo(1 / 0.46, 12);
    expect(c.topHoldings.map((h) => h.key)).toEqual(['A', 'B']);
    expect(c.topNWeight).toBeCloseTo(0.45, 15);
    expect(c.byAssetClass).toEqual([
      { key: 'CASH', valueBase: 1_000, weight: 0.5 },
      { key: 'EQUITY', valueBase: 900, weight: 0.45 },
      { key: 'FIXED_INCOME', valueBase: 100, weight: 0.05 },
    ]);
    expect(c.byCurrency.map((s) => [s.key, s.weight])).toEqual([
      ['CAD', 0.85],
      ['USD', 0.15],
    ]);
  });

  it('equal holdings: 1/n and an effective number of n; one holding: 1', () => {
    const four = ['W', 'X', 'Y', 'Z'].map((symbol) => ({ symbol, assetClass: 'EQUITY', currency: 'CAD', valueBase: 250 }));
    expect(concentration(four, [], 10).herfindahl).toBeCloseTo(0.25, 15);
    expect(concentration(four, [], 10).effectiveNumberOfHoldings).toBeCloseTo(4, 12);
    expect(concentration(four.slice(0, 1), [], 1).herfindahl).toBe(1);
  });

  it('a weight at its limit is no breach; above it is; breaches by kind, largest excess first', () => {
    const c = concentration(holdings, [], 1, {
      maxSecurityWeight: 0.25,
      maxTopNWeight: 0.6,
      maxHerfindahl: 0.4,
      assetClass: { EQUITY: 0.9 },
      currency: { USD: 0.2 },
    });
    expect(c.breaches.map((b) => [b.kind, b.key])).toEqual([
      ['security', 'A'],
      ['security', 'B'],
      ['herfindahl', 'securities'],
      ['currency', 'USD'],
    ]);
    expect(c.breaches[0].excess).toBeCloseTo(0.35, 15);
  });

  it('no holdings: no index; a topN below 1 and a non-finite value are refused', () => {
    expect(concentration([], [{ currency: 'CAD', valueBase: 5 }], 3)).toMatchObject({
      herfindahl: null,
      effectiveNumberOfHoldings: null,
      topHoldings: [],
    });
    expect(() => concentration(holdings, [], 0)).toThrow(/topN/);
    expect(() => concentration([{ ...holdings[0], valueBase: Number.NaN }], [], 1)).toThrow(/valueBase must be a finite number/);
  });
});
