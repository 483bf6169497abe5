import {
  annualVolatility,
  drawdownSeries,
  maxDrawdown,
  periodRiskFreeRate,
  sharpeRatio,
  simpleReturns,
  type ReturnSeries,
} from '../../../src/analytics';
import { expectWithin, fixture, type RiskExpectation } from './returns-vectors';

function seriesNamed(name: string): ReturnSeries {
  const series = fixture.risk.series[name];
  if (!series) throw new Error(`returns-vectors.json risk has no series '${name}'`);
  return series;
}

function riskFreeOf(e: RiskExpectation): number | ReturnSeries {
  if (e.risk_free === undefined) throw new Error(`${e.metric} ${e.series} needs risk_free`);
  return typeof e.risk_free === 'number' ? e.risk_free : seriesNamed(e.risk_free);
}

function compute(e: RiskExpectation): number | null {
  const returns = seriesNamed(e.series);
  switch (e.metric) {
    case 'sharpe':
      return sharpeRatio(returns, riskFreeOf(e));
    case 'annual_volatility':
      return annualVolatility(returns);
    case 'max_drawdown':
      return maxDrawdown(returns);
  }
}

describe('risk: published vectors', () => {
  for (const e of fixture.risk.expected) {
    const rf = e.risk_free === undefined ? '' : `, rf=${e.risk_free}`;
    it(`${e.metric}(${e.series}${rf}) (${fixture.risk.source})`, () => {
      expectWithin(compute(e), e.value, e.tol, `${e.metric} ${e.series}`);
    });
  }
});

describe('risk: properties and edges', () => {
  it('max drawdown of monotone gains is 0', () => {
    expect(maxDrawdown([0.01, 0.02, 0, 0.5, 0.001])).toBe(0);
  });

  it('measures drawdown from a base before the first return', () => {
    expect(maxDrawdown([-0.2, 0.1])).toBeCloseTo(-0.2, 15);
    // 1 → 0.8 (−20 %) → 1.0 (back at the base, no drawdown) → 0.5 (−50 % from the base).
    const dd = drawdownSeries([-0.2, 0.25, -0.5]);
    [-0.2, 0, -0.5].forEach((expected, i) => expect(dd[i]).toBeCloseTo(expected, 15));
  });

  it('counts a missing return as no change in drawdowns, so a leading null changes nothing', () => {
    const mixed = seriesNamed('mixed');
    expect(maxDrawdown(mixed)).toBe(maxDrawdown(mixed.slice(1)));
    expect(drawdownSeries([0.1, null, -0.1])).toEqual([0, 0, drawdownSeries([0.1, -0.1])[1]]);
    expect(maxDrawdown([null, null])).toBeNull();
  });

  it('skips missing observations in volatility and Sharpe', () => {
    const mixed = seriesNamed('mixed');
    expect(annualVolatility(mixed)).toBe(annualVolatility(mixed.slice(1)));
    expect(sharpeRatio(mixed, 0)).toBe(sharpeRatio(mixed.slice(1), 0));
    expect(sharpeRatio([0.01, Number.NaN, 0.02, 0.03], 0)).toBe(sharpeRatio([0.01, 0.02, 0.03], 0));
  });

  it('is null where the statistic does not exist', () => {
    expect(annualVolatility([0.01])).toBeNull();
    expect(sharpeRatio([0.01, 0.01, 0.01], 0)).toBeNull();
  });

  it('scales with the square root of periods per year', () => {
    const r = seriesNamed('positive');
    expect((annualVolatility(r, 12) as number) / (annualVolatility(r, 252) as number)).toBeCloseTo(Math.sqrt(12 / 252), 14);
  });

  it('rejects a risk-free series of another length', () => {
    expect(() => sharpeRatio([0.01, 0.02], [0])).toThrow(RangeError);
  });

  it('converts an annual risk-free rate to a per-period one', () => {
    expectWithin((1 + periodRiskFreeRate(0.05)) ** 252 - 1, 0.05, 1e-12);
    expect(periodRiskFreeRate(0.05, 252, 'simple')).toBe(0.05 / 252);
  });

  it('simple returns of a valuation series; a zero valuation starts no return', () => {
    expect(simpleReturns([100, 110, 99])).toEqual([110 / 100 - 1, 99 / 110 - 1]);
    expect(simpleReturns([0, 10, 11])).toEqual([null, 11 / 10 - 1]);
    expect(simpleReturns([5])).toEqual([]);
  });
});
