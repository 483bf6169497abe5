import {
  annualize,
  dailyTwrFactors,
  flowsAfterValuationToStartOfDay,
  isoDateToDayNumber,
  subPeriodTimeWeightedReturn,
  timeWeightedReturn,
  timeWeightedReturnFlowsAfterValuation,
  type FlowTiming,
  type GrossFlows,
} from '../../../src/analytics';
import { expectSeriesWithin, expectWithin, twrVector } from './returns-vectors';

type DatedAmount = [string, number];

const MS_PER_DAY = 86_400_000;

/** Sum of the amounts booked on `date`. */
function onDate(events: readonly DatedAmount[], date: string): number {
  return events.filter(([d]) => d === date).reduce((sum, [, amount]) => sum + amount, 0);
}

/**
 * T2's cash account valued at the end of every day: deposits and withdrawals are external flows;
 * interest (a gain) and fees (a loss) change the value without being flows.
 */
function cashAccountDays(): { values: number[]; flows: GrossFlows[] } {
  const v = twrVector('T2');
  const range = /(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})/.exec(v.account);
  if (!range) throw new Error(`T2 account has no date range: ${v.account}`);
  const values: number[] = [];
  const flows: GrossFlows[] = [];
  let balance = 0;
  for (let day = isoDateToDayNumber(range[1]); day <= isoDateToDayNumber(range[2]); day++) {
    const date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    const inflow = onDate(v.deposits, date);
    const outflow = onDate(v.withdrawals, date);
    balance += inflow - outflow + onDate(v.interest, date) - onDate(v.fees, date);
    values.push(balance);
    flows.push({ inflow, outflow });
  }
  return { values, flows };
}

describe('time-weighted return: published vectors', () => {
  const t1 = twrVector('T1');
  it(`T1 — flows just after each valuation (${t1.source})`, () => {
    const result = timeWeightedReturnFlowsAfterValuation(t1.values, t1.flows);
    expectWithin(result.total, t1.expected, t1.tol, 'T1 total');
  });

  it('T1 — the source formula mv[i] / (mv[i-1] + cf[i-1]) is start-of-day with flows shifted by one', () => {
    let growth = 1;
    for (let i = 1; i < t1.values.length; i++) growth *= t1.values[i] / (t1.values[i - 1] + t1.flows[i - 1]);
    const shifted = flowsAfterValuationToStartOfDay(t1.flows);
    expect(shifted).toEqual([0, 0, 0, 25000, 0, -10000]);
    expectWithin(timeWeightedReturn(t1.values, shifted, 'start-of-day').total, growth - 1, 1e-15, 'T1 shifted');
  });

  const t2 = twrVector('T2');
  it(`T2 — inflows at start, outflows at end of day (${t2.source})`, () => {
    const { values, flows } = cashAccountDays();
    expect(values).toHaveLength(t2.expected_daily.length + 1);
    const result = timeWeightedReturn(values, flows, 'inflows-start-outflows-end');
    expectSeriesWithin(result.periodReturns, t2.expected_daily, t2.tol, 'T2 daily');
    expectSeriesWithin(result.cumulative, t2.expected_cumulative, t2.tol, 'T2 cumulative');
  });

  const t2b = twrVector('T2b');
  it(`T2b — all flows at end of day (${t2b.source})`, () => {
    const { values, flows } = cashAccountDays();
    const result = timeWeightedReturn(values, flows, 'end-of-day');
    expectSeriesWithin(result.cumulative, t2b.expected_cumulative, t2b.tol, 'T2b cumulative');
  });

  const t3 = twrVector('T3');
  it(`T3 — sub-period chain-linking (${t3.source})`, () => {
    const result = subPeriodTimeWeightedReturn(t3.subperiods);
    expectWithin(result.total, t3.expected, t3.tol, 'T3 total');
  });
});

describe('time-weighted return: properties and edges', () => {
  const timings: FlowTiming[] = ['start-of-day', 'end-of-day', 'inflows-start-outflows-end'];

  /**
   * A single asset; on day `k` a deposit of `amount` buys units at that day's price, whose price
   * does not move that day (flat), so when the cash counts within the day cannot matter.
   */
  function depositOnFlatDay(amount: number): { values: number[]; flows: number[]; priceReturn: number } {
    const prices = [100, 104, 98, 98, 103, 110];
    const k = 3;
    let units = 10;
    const values: number[] = [];
    const flows: number[] = [];
    prices.forEach((p, i) => {
      const flow = i === k ? amount : 0;
      units += flow / p;
      values.push(units * p);
      flows.push(flow);
    });
    return { values, flows, priceReturn: prices[prices.length - 1] / prices[0] - 1 };
  }

  it.each(timings)('%s: a deposit of any size on a flat-price day leaves the TWR at the price return', (timing) => {
    for (const amount of [1, 1_000, 1_000_000, -500]) {
      const { values, flows, priceReturn } = depositOnFlatDay(amount);
      expectWithin(timeWeightedReturn(values, flows, timing).total, priceReturn, 1e-12, `deposit ${amount}`);
    }
  });

  it('start-of-day: a deposit invested at the previous close keeps the TWR at the price return on a moving day', () => {
    const prices = [50, 55, 52, 60];
    for (const amount of [10, 10_000]) {
      let units = 2;
      const flows = prices.map((_, i) => (i === 2 ? amount : 0));
      const values = prices.map((p, i) => {
        if (i === 2) units += amount / prices[1];
        return units * p;
      });
      expectWithin(timeWeightedReturn(values, flows, 'start-of-day').total, 60 / 50 - 1, 1e-12, `deposit ${amount}`);
    }
  });

  it('a day without capital at its start has factor 1 (an account funded only on day 2)', () => {
    const values = [0, 0, 1000, 1010];
    const flows = [0, 0, 1000, 0];
    expect(dailyTwrFactors(values, flows, 'start-of-day')).toEqual([1, 1, 1.01]);
    // With flows at the end of the day the funding day starts empty: its factor is 1 too.
    expect(dailyTwrFactors(values, flows, 'end-of-day')).toEqual([1, 1, 1.01]);
  });

  it('a full withdrawal leaves later empty days at factor 1 instead of dividing floating-point residue', () => {
    const values = [1000.1, 0, 0];
    const flows = [0, -1000.1, 0];
    const factors = dailyTwrFactors(values, flows, 'inflows-start-outflows-end');
    expect(factors).toEqual([1, 1]);
  });

  it('gross flows on the same day are not netted under inflows-start-outflows-end', () => {
    const values = [1000, 1100];
    const gross = dailyTwrFactors(values, [0, { inflow: 500, outflow: 500 }], 'inflows-start-outflows-end');
    const net = dailyTwrFactors(values, [0, 0], 'inflows-start-outflows-end');
    expect(gross[0]).toBeCloseTo(1600 / 1500, 15);
    expect(net[0]).toBeCloseTo(1.1, 15);
  });

  it('flows[0] is ignored: the opening valuation already contains it', () => {
    const a = timeWeightedReturn([1000, 1100], [0, 0], 'start-of-day').total;
    const b = timeWeightedReturn([1000, 1100], [1000, 0], 'start-of-day').total;
    expect(a).toBe(b);
  });

  it('rejects mismatched lengths and negative starting capital', () => {
    expect(() => dailyTwrFactors([1, 2], [0], 'start-of-day')).toThrow(RangeError);
    expect(() => dailyTwrFactors([100, 50], [0, -300], 'start-of-day')).toThrow(/day 1/);
  });

  it('annualises with a configurable basis', () => {
    expectWithin(annualize(0.1, 365), 0.1, 1e-15);
    expectWithin(annualize(0.21, 730), 0.1, 1e-12);
    expectWithin(annualize(0.05, 126, 252), 1.05 ** 2 - 1, 1e-12);
    expect(annualize(-1, 100)).toBe(-1);
    expect(() => annualize(0.1, 0)).toThrow(RangeError);
  });
});
