import { annualize, monthsBefore, performancePeriods, periodStartOf, xirr } from '../../../src/analytics';

describe('period starts', () => {
  it.each([
    ['2024-06-15', 1, '2024-05-15'],
    ['2024-03-31', 1, '2024-02-29'],
    ['2024-06-30', 1, '2024-05-31'],
    ['2024-02-29', 12, '2023-02-28'],
    ['2024-01-15', 3, '2023-10-15'],
    ['2024-06-30', 36, '2021-06-30'],
  ])('%s minus %i months is %s', (date, months, expected) => {
    expect(monthsBefore(date, months)).toBe(expected);
  });

  it('YTD starts on the previous 31 December; SI at inception', () => {
    expect(periodStartOf('YTD', '2024-06-30', '2020-01-01')).toBe('2023-12-31');
    expect(periodStartOf('SI', '2024-06-30', '2020-01-01')).toBe('2020-01-01');
    expect(periodStartOf('3M', '2024-06-30', '2020-01-01')).toBe('2024-03-31');
  });
});

describe('performancePeriods', () => {
  // Month-end valuations over 18 months; wealth grows 1 % a month; a deposit of 50 after month 12.
  const dates = Array.from({ length: 19 }, (_, k) => monthsBefore('2024-06-30', 18 - k));
  const wealth = dates.map((_, k) => 1.01 ** k);
  const values = dates.map((_, k) => 1_000 * 1.01 ** k + (k >= 13 ? 50 * 1.01 ** (k - 13) : 0));
  const flows = [{ date: dates[13], amount: 50 }];
  const rows = performancePeriods({ dates, values, wealth, flows });
  const row = (period: string) => rows.find((r) => r.period === period)!;

  it('TWR is the wealth ratio from the base valuation; annualised only for a year or more', () => {
    expect(row('1M').twr!.cumulative).toBeCloseTo(0.01, 12);
    expect(row('3M').twr!.cumulative).toBeCloseTo(1.01 ** 3 - 1, 12);
    expect(row('YTD').baseDate).toBe('2023-12-31');
    expect(row('YTD').twr!.cumulative).toBeCloseTo(1.01 ** 6 - 1, 12);
    for (const p of ['1M', '3M', 'YTD'])
      expect(row(p)).toMatchObject({ atLeastOneYear: false, twr: { annualized: null }, mwr: { annualized: null } });
    const oneYear = row('1Y');
    expect(oneYear).toMatchObject({ baseDate: '2023-06-30', days: 366, atLeastOneYear: true });
    expect(oneYear.twr!.annualized).toBeCloseTo(annualize(1.01 ** 12 - 1, 366), 12);
    expect(row('SI').twr!.cumulative).toBeCloseTo(1.01 ** 18 - 1, 12);
  });

  it('MWR: XIRR of the base value, the flows after the base date and the end value; the period return beside it', () => {
    const si = row('SI');
    const irr = xirr([
      { date: dates[0], amount: -values[0] },
      { date: dates[13], amount: -50 },
      { date: dates[18], amount: values[18] },
    ])!;
    expect(si.mwr!.annualized).toBeCloseTo(irr, 12);
    expect(si.mwr!.cumulative).toBeCloseTo((1 + irr) ** (si.days! / 365) - 1, 12);
    // No flow inside the last month: MWR and TWR agree.
    expect(row('1M').mwr!.cumulative).toBeCloseTo(0.01, 9);
  });

  it('a period longer than the track record is unavailable; a first valuation a few days late still counts', () => {
    expect(row('3Y')).toMatchObject({ available: false, baseDate: null, twr: null, mwr: null });
    const late = performancePeriods({ dates: ['2023-07-03', '2024-06-30'], values: [100, 110], wealth: [1, 1.1], flows: [] }, ['1Y']);
    expect(late[0]).toMatchObject({ available: true, baseDate: '2023-07-03', start: '2023-06-30' });
  });

  it('needs two valuations and parallel arrays', () => {
    expect(() => performancePeriods({ dates: ['2024-01-01'], values: [1], wealth: [1], flows: [] })).toThrow(/two valuations/);
    expect(() => performancePeriods({ dates: ['2024-01-01', '2024-02-01'], values: [1], wealth: [1, 1], flows: [] })).toThrow(
      /same length/,
    );
  });
});
