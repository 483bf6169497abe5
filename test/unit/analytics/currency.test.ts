import { decomposeCurrencyReturn, splitBaseCurrencyPnl } from '../../../src/analytics';
import { currencyVector, expectWithin } from './returns-vectors';

describe('currency decomposition: published vectors', () => {
  const c1 = currencyVector('C1');
  it(`C1 — US investor, EUR shares, USD per EUR (${c1.source})`, () => {
    // Shares bought at EUR 25, sold at EUR 42; USD per EUR 1.20 -> 1.05.
    const r = decomposeCurrencyReturn({ localStart: 25, localEnd: 42, fxStart: 1.2, fxEnd: 1.05 });
    expectWithin(r.base, c1.expected.base as number, c1.tol, 'C1 base');
    expectWithin(r.local, c1.expected.local, c1.tol, 'C1 local');
    expectWithin(r.fx, c1.expected.fx, c1.tol, 'C1 fx');
    expectWithin(r.interaction, c1.expected.interaction, c1.tol, 'C1 interaction');
  });

  const c3 = currencyVector('C3');
  it(`C3 — Canadian investor, USD shares, USDCAD (${c3.source})`, () => {
    // 100 shares at USD 100 then USD 105; USDCAD (CAD per USD) 1.30 -> 1.35.
    const r = decomposeCurrencyReturn({ localStart: 100 * 100, localEnd: 100 * 105, fxStart: 1.3, fxEnd: 1.35 });
    expectWithin(r.baseStart, 13_000, c3.tol, 'C3 base start (CAD)');
    expectWithin(r.baseEnd, c3.expected.base_value_cad as number, c3.tol, 'C3 base value (CAD)');
    expectWithin(r.local, c3.expected.local, c3.tol, 'C3 local');
    expectWithin(r.fx, c3.expected.fx, c3.tol, 'C3 fx');
    expectWithin(r.interaction, c3.expected.interaction, c3.tol, 'C3 interaction');
  });
});

describe('currency decomposition: properties and edges', () => {
  it('base = local + fx + interaction and equals the change of the base-currency value', () => {
    const r = decomposeCurrencyReturn({ localStart: 80, localEnd: 91, fxStart: 0.9, fxEnd: 0.84 });
    expectWithin(r.base, r.local + r.fx + r.interaction, 1e-15);
    expectWithin(r.base, r.baseEnd / r.baseStart - 1, 1e-15);
  });

  it('accepts rates quoted local per base and inverts them', () => {
    const direct = decomposeCurrencyReturn({ localStart: 25, localEnd: 42, fxStart: 1.2, fxEnd: 1.05 });
    const inverse = decomposeCurrencyReturn({
      localStart: 25,
      localEnd: 42,
      fxStart: 1 / 1.2,
      fxEnd: 1 / 1.05,
      fxQuote: 'local-per-base',
    });
    expectWithin(inverse.base, direct.base, 1e-12);
    expectWithin(inverse.fx, direct.fx, 1e-12);
  });

  it('rejects non-positive values and rates', () => {
    expect(() => decomposeCurrencyReturn({ localStart: 0, localEnd: 1, fxStart: 1, fxEnd: 1 })).toThrow(RangeError);
  });
});

describe('base-currency P&L split: price effect + currency effect = total', () => {
  const c1 = currencyVector('C1');
  it(`C1 as realised P&L: bought at EUR 25 at 1.20, sold at EUR 42 at 1.05 (${c1.source})`, () => {
    const split = splitBaseCurrencyPnl({ localCost: 25, baseCost: 25 * 1.2, localValue: 42, rate: 1.05 });
    expectWithin(split.baseReturn, c1.expected.base as number, c1.tol, 'C1 base');
    expectWithin(split.localReturn, c1.expected.local, c1.tol, 'C1 local');
    expectWithin(split.fxReturn, c1.expected.fx, c1.tol, 'C1 fx');
    expectWithin(split.interaction, c1.expected.interaction, c1.tol, 'C1 interaction');
    // In money (USD per share): the price effect is the local return on the base cost, the
    // currency effect the rest (fx and the cross term).
    expectWithin(split.total, 42 * 1.05 - 30, 1e-12, 'C1 total');
    expectWithin(split.priceEffect, c1.expected.local * 30, 1e-12, 'C1 price effect');
    expectWithin(split.currencyEffect, (c1.expected.fx + c1.expected.interaction) * 30, 1e-9, 'C1 currency effect');
  });

  const c3 = currencyVector('C3');
  it(`C3 as unrealised P&L: 100 shares at USD 100 at 1.30, now USD 105 at 1.35 (${c3.source})`, () => {
    const split = splitBaseCurrencyPnl({ localCost: 10_000, baseCost: 13_000, localValue: 10_500, rate: 1.35 }, 8);
    expectWithin(13_000 + split.total, c3.expected.base_value_cad as number, c3.tol, 'C3 value (CAD)');
    expectWithin(split.localReturn, c3.expected.local, c3.tol, 'C3 local');
    expectWithin(split.fxReturn, c3.expected.fx, c3.tol, 'C3 fx');
    expectWithin(split.interaction, c3.expected.interaction, c3.tol, 'C3 interaction');
    expect(split.priceEffect).toBe(650);
    expect(split.currencyEffect).toBe(525);
    expect(split.total).toBe(1175);
  });

  it('flat in its own currency while the rate rose: all of the P&L is currency', () => {
    const split = splitBaseCurrencyPnl({ localCost: 10_000, baseCost: 13_286, localValue: 10_000, rate: 1.4 }, 8);
    expect(split.priceEffect).toBe(0);
    expect(split.currencyEffect).toBeCloseTo(714, 8);
    expect(split.total).toBe(split.priceEffect + split.currencyEffect);
  });

  it('rounded to 8 places, the parts add up to the total exactly', () => {
    for (const [localCost, baseCost, localValue, rate] of [
      [1234.5678, 1671.13, 1301.1, 1.3712],
      [0.1, 0.137, 0.3, 1.41],
    ]) {
      const split = splitBaseCurrencyPnl({ localCost, baseCost, localValue, rate }, 8);
      const round = (x: number) => Math.round(x * 1e8) / 1e8;
      expect(round(split.total)).toBe(round(round(split.priceEffect) + round(split.currencyEffect)));
    }
  });
});
