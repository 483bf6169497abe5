/**
 * Cash flows and income of a portfolio by calendar month and in total, in one currency.
 *
 * Conventions (the README copies these):
 * - Every amount is a positive magnitude in its category: deposits and withdrawals are the
 *   external flows, dividends and interest the income, fees the costs.
 * - netExternal = deposits − withdrawals; netIncome = dividends + interest − fees.
 * - A month is 'YYYY-MM' of the trade date; every month from the first to the last of the period
 *   is listed, those without flows as zeros, so a chart has no gaps.
 */
import { assertFinite } from './numeric';

/** The categories of money moving in or out. */
export type CashFlowCategory = 'deposits' | 'withdrawals' | 'dividends' | 'interest' | 'fees';

/** One flow on its trade date, already in the result's currency. */
export interface CategorisedFlow {
  readonly date: string;
  readonly category: CashFlowCategory;
  readonly amount: number;
}

/** The sums of one month (or of the period). */
export interface CashFlowTotals {
  readonly deposits: number;
  readonly withdrawals: number;
  readonly dividends: number;
  readonly interest: number;
  readonly fees: number;
  readonly netExternal: number;
  readonly netIncome: number;
  readonly count: number;
}

function totalsOf(flows: readonly CategorisedFlow[]): CashFlowTotals {
  const sum = (category: CashFlowCategory) => flows.filter((f) => f.category === category).reduce((total, f) => total + f.amount, 0);
  const deposits = sum('deposits');
  const withdrawals = sum('withdrawals');
  const dividends = sum('dividends');
  const interest = sum('interest');
  const fees = sum('fees');
  return {
    deposits,
    withdrawals,
    dividends,
    interest,
    fees,
    netExternal: deposits - withdrawals,
    netIncome: dividends + interest - fees,
    count: flows.length,
  };
}

/** 'YYYY-MM' of every month from start's to end's, inclusive. */
function monthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  let [year, month] = start.slice(0, 7).split('-').map(Number);
  const last = end.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (key > last) break;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/**
 * Flows summed by month over [start, end] and in total (see the module conventions). Throws a
 * RangeError on a non-finite or negative amount, or a flow outside the period.
 */
export function cashFlowsByMonth(
  flows: readonly CategorisedFlow[],
  start: string,
  end: string,
): { months: (CashFlowTotals & { month: string })[]; total: CashFlowTotals } {
  flows.forEach((f, i) => {
    assertFinite(f.amount, `flows[${i}].amount`);
    if (f.amount < 0) throw new RangeError(`flows[${i}].amount must be >= 0, got ${f.amount}`);
    if (f.date < start || f.date > end) throw new RangeError(`flows[${i}] (${f.date}) is outside ${start} .. ${end}`);
  });
  return {
    months: monthsBetween(start, end).map((month) => ({ month, ...totalsOf(flows.filter((f) => f.date.startsWith(month))) })),
    total: totalsOf(flows),
  };
}
