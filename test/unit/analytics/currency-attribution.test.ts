import { attributeCurrency } from '../../../src/analytics';
import { currencyVector, expectWithin } from './returns-vectors';

describe('attributeCurrency', () => {
  const c1 = currencyVector('C1');
  const c3 = currencyVector('C3');

  it('one holding reproduces C1: local 68 %, fx −12.5 %, interaction −8.5 %, base 47 %; geometric currency = fx', () => {
    const { holdings, total } = attributeCurrency([{ baseCost: 3_000, local: 42 / 25 - 1, fx: 1.05 / 1.2 - 1 }]);
    const [h] = holdings;
    expect(h.weight).toBe(1);
    for (const part of ['base', 'local', 'fx', 'interaction'] as const)
      expectWithin(h[part], c1.expected[part] as number, c1.tol, `C1 ${part}`);
    expectWithin(h.geometricCurrency, c1.expected.fx, c1.tol, 'C1 geometric currency');
    expectWithin(total!.base, c1.expected.base as number, c1.tol, 'C1 total');
  });

  it('C3 beside a base-currency holding: book-cost weights, contributions that add up, a geometric total', () => {
    const fx = 1.35 / 1.3 - 1;
    const { holdings, total } = attributeCurrency([
      { baseCost: 13_000, local: 0.05, fx },
      { baseCost: 1_000, local: 0.1, fx: 0 },
    ]);
    expectWithin(holdings[0].fx, c3.expected.fx, 1e-9, 'C3 fx');
    expectWithin(holdings[0].interaction, c3.expected.interaction, 1e-9, 'C3 interaction');
    expect(holdings[1]).toMatchObject({ fx: 0, interaction: 0, geometricCurrency: 0 });
    expect(holdings[0].weight + holdings[1].weight).toBeCloseTo(1, 15);
    // Value in base over cost in base: (14,175 + 1,100) / 14,000 − 1.
    expect(total!.base).toBeCloseTo(15_275 / 14_000 - 1, 14);
    expect(total!.local).toBeCloseTo((13_650 + 1_100) / 14_000 - 1, 14);
    expect(total!.local + total!.fx + total!.interaction).toBeCloseTo(total!.base, 14);
    expect(total!.geometricCurrency).toBeCloseTo(15_275 / 14_750 - 1, 14);
    expect(holdings[0].contribution.fx + holdings[1].contribution.fx).toBeCloseTo(total!.fx, 15);
  });

  it('nothing to attribute: no total', () => {
    expect(attributeCurrency([])).toEqual({ holdings: [], total: null });
  });

  it.each([
    [{ baseCost: 0, local: 0, fx: 0 }, /baseCost must be > 0/],
    [{ baseCost: 1, local: Number.NaN, fx: 0 }, /local must be a finite number/],
    [{ baseCost: 1, local: -1, fx: 0 }, /above -1/],
  ])('rejects a malformed holding %o', (holding, message) => {
    expect(() => attributeCurrency([holding])).toThrow(message);
  });
});
