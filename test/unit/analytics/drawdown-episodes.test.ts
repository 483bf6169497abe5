import { drawdownEpisodes, maxDrawdown } from '../../../src/analytics';
import { fixture } from './returns-vectors';

/** A wealth index starting at 1 from simple returns, one business-like day apart. */
function indexOf(returns: number[]) {
  const dates = returns.concat(0).map((_, i) => `2024-04-${String(i + 1).padStart(2, '0')}`);
  const wealth = [1];
  for (const r of returns) wealth.push(wealth[wealth.length - 1] * (1 + r));
  return { dates, wealth };
}

describe('drawdownEpisodes', () => {
  const mixed = fixture.risk.series.mixed.filter((r): r is number => r !== null);

  it('empyrical’s mixed series: a recovered −4 % and an open −10 % (the vector’s max drawdown), worst first', () => {
    const { dates, wealth } = indexOf(mixed);
    const episodes = drawdownEpisodes(dates, wealth);
    expect(episodes).toHaveLength(2);
    const [worst, recovered] = episodes;
    const vector = fixture.risk.expected.find((e) => e.metric === 'max_drawdown' && e.series === 'mixed')!;
    expect(Math.abs(worst.depth - vector.value)).toBeLessThan(vector.tol);
    expect(worst).toMatchObject({ peakDate: dates[7], troughDate: dates[8], recoveryDate: null, recovered: false, daysToRecover: null });
    expect(worst.lengthDays).toBe(1);
    // 1.01 · 1.1 = 1.111, then −4 %: back above 1.111 two valuations later (1.06656 · 1.02 · 1.03).
    expect(recovered).toMatchObject({ peakDate: dates[2], troughDate: dates[3], recoveryDate: dates[5], recovered: true });
    expect(recovered.depth).toBeCloseTo(-0.04, 14);
    expect(recovered).toMatchObject({ daysPeakToTrough: 1, daysToRecover: 2, lengthDays: 3, observations: 4 });
    expect(worst.depth).toBe(maxDrawdown(mixed));
  });

  it('empyrical’s negative series: one open episode from the base, as deep as the vector', () => {
    const negative = fixture.risk.series.negative as number[];
    const { dates, wealth } = indexOf(negative);
    const [episode, ...rest] = drawdownEpisodes(dates, wealth);
    expect(rest).toEqual([]);
    const vector = fixture.risk.expected.find((e) => e.metric === 'max_drawdown' && e.series === 'negative')!;
    expect(Math.abs(episode.depth - vector.value)).toBeLessThan(vector.tol);
    // A 0 % first return leaves wealth at the peak: the peak is the last valuation there.
    expect(episode.peakDate).toBe(dates[1]);
    expect(episode.troughDate).toBe(dates[dates.length - 1]);
  });

  it('equal depths: the earlier peak first; no fall: no episode', () => {
    const { dates, wealth } = indexOf([-0.1, 1 / 0.9 - 1, -0.1]);
    expect(drawdownEpisodes(dates, wealth).map((e) => e.peakDate)).toEqual([dates[0], dates[2]]);
    expect(drawdownEpisodes(...(Object.values(indexOf([0.01, 0, 0.02])) as [string[], number[]]))).toEqual([]);
  });

  it('rejects arrays of different lengths and a wealth that is not positive', () => {
    expect(() => drawdownEpisodes(['2024-01-01'], [1, 2])).toThrow(/same length/);
    expect(() => drawdownEpisodes(['2024-01-01', '2024-01-02'], [1, 0])).toThrow(/wealth\[1\] must be > 0/);
  });
});
