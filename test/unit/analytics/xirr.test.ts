import { isoDateToDayNumber, xirr, xnpv, type DatedFlow } from '../../../src/analytics';
import { expectWithin, xirrVector } from './returns-vectors';

const toFlows = (pairs: readonly [string, number][]): DatedFlow[] => pairs.map(([date, amount]) => ({ date, amount }));

describe('XIRR: published vectors', () => {
  for (const id of ['X1', 'X2a', 'X2c']) {
    const v = xirrVector(id);
    it(`${id} — actual days / 365 (${v.source})`, () => {
      const flows = toFlows(v.flows);
      const rate = xirr(flows);
      expectWithin(rate, v.expected, v.tol, id);
      // The rate found is a root: the NPV at it is negligible next to the amounts.
      expect(Math.abs(xnpv(rate as number, flows))).toBeLessThan(1e-6);
    });
  }
});

describe('XIRR: properties and edges', () => {
  it('−100 then +110 one (non-leap) year later is 10 %', () => {
    expectWithin(
      xirr(
        toFlows([
          ['2021-03-01', -100],
          ['2022-03-01', 110],
        ]),
      ),
      0.1,
      1e-12,
    );
  });

  it('counts actual days: over a leap year (366 days) the same flows give 1.1^(365/366) − 1', () => {
    expectWithin(
      xirr(
        toFlows([
          ['2020-01-01', -100],
          ['2021-01-01', 110],
        ]),
      ),
      1.1 ** (365 / 366) - 1,
      1e-12,
    );
    expectWithin(
      xirr(
        toFlows([
          ['2020-01-01', -100],
          ['2021-01-01', 110],
        ]),
        { daysPerYear: 366 },
      ),
      0.1,
      1e-12,
    );
  });

  it('does not depend on the order of the flows', () => {
    const v = xirrVector('X1');
    const flows = toFlows(v.flows);
    expect(xirr([...flows].reverse())).toBeCloseTo(xirr(flows) as number, 12);
  });

  it('finds very large rates of short holding periods and losses near −100 %', () => {
    expectWithin(
      xirr(
        toFlows([
          ['2024-01-01', -100],
          ['2024-01-03', 110],
        ]),
      ),
      1.1 ** (365 / 2) - 1,
      1e-3 * 1.1 ** (365 / 2),
    );
    expectWithin(
      xirr(
        toFlows([
          ['2024-01-01', -100],
          ['2025-01-01', 0.01],
        ]),
      ),
      0.0001 ** (365 / 366) - 1,
      1e-12,
    );
  });

  it('returns null when the amounts do not change sign', () => {
    expect(
      xirr(
        toFlows([
          ['2024-01-01', -100],
          ['2024-06-01', -50],
        ]),
      ),
    ).toBeNull();
    expect(xirr(toFlows([['2024-01-01', 100]]))).toBeNull();
    expect(xirr([])).toBeNull();
  });

  it('picks the root nearest the guess when there are two', () => {
    // −100, +230, −132 one year apart: NPV = 0 at r = 10 % and r = 20 %.
    const flows = toFlows([
      ['2021-01-01', -100],
      ['2022-01-01', 230],
      ['2023-01-01', -132],
    ]);
    expectWithin(xirr(flows), 0.1, 1e-10);
    expectWithin(xirr(flows, { guess: 0.25 }), 0.2, 1e-10);
  });

  it('rejects malformed dates', () => {
    expect(() => isoDateToDayNumber('2023-02-29')).toThrow(RangeError);
    expect(() =>
      xirr([
        { date: '2024-1-1', amount: -1 },
        { date: '2024-12-31', amount: 2 },
      ]),
    ).toThrow(RangeError);
  });
});
