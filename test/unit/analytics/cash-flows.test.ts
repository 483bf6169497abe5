import { cashFlowsByMonth } from '../../../src/analytics';

describe('cashFlowsByMonth', () => {
  it('sums each category by month and in total; nets external flows and income', () => {
    const { months, total } = cashFlowsByMonth(
      [
        { date: '2024-01-05', category: 'deposits', amount: 1_000 },
        { date: '2024-01-20', category: 'fees', amount: 5 },
        { date: '2024-03-01', category: 'dividends', amount: 12 },
        { date: '2024-03-31', category: 'withdrawals', amount: 200 },
        { date: '2024-03-31', category: 'interest', amount: 3 },
      ],
      '2024-01-01',
      '2024-03-31',
    );
    expect(months.map((m) => m.month)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(months[0]).toMatchObject({ deposits: 1_000, fees: 5, netExternal: 1_000, netIncome: -5, count: 2 });
    expect(months[1]).toMatchObject({ deposits: 0, withdrawals: 0, dividends: 0, interest: 0, fees: 0, count: 0 });
    expect(months[2]).toMatchObject({ dividends: 12, withdrawals: 200, interest: 3, netExternal: -200, netIncome: 15 });
    expect(total).toEqual({
      deposits: 1_000,
      withdrawals: 200,
      dividends: 12,
      interest: 3,
      fees: 5,
      netExternal: 800,
      netIncome: 10,
      count: 5,
    });
  });

  it('months run across a year end', () => {
    expect(cashFlowsByMonth([], '2023-11-30', '2024-02-01').months.map((m) => m.month)).toEqual([
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
    ]);
  });

  it('rejects a negative or non-finite amount and a flow outside the period', () => {
    expect(() => cashFlowsByMonth([{ date: '2024-01-05', category: 'fees', amount: -1 }], '2024-01-01', '2024-01-31')).toThrow(/>= 0/);
    expect(() => cashFlowsByMonth([{ date: '2024-01-05', category: 'fees', amount: Infinity }], '2024-01-01', '2024-01-31')).toThrow(
      /finite/,
    );
    expect(() => cashFlowsByMonth([{ date: '2024-02-05', category: 'fees', amount: 1 }], '2024-01-01', '2024-01-31')).toThrow(/outside/);
  });
});
