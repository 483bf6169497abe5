/**
 * The published examples of test/fixtures/returns-vectors.json, typed, and the tolerance check
 * every vector test uses. A vector looked up by id that the fixture lacks fails the suite.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type DatedAmount = [date: string, amount: number];

interface TwrVectorT1 {
  id: 'T1';
  source: string;
  values: number[];
  flows: number[];
  expected: number;
  tol: number;
}
interface TwrVectorT2 {
  id: 'T2';
  source: string;
  /** 'one cash account, valued daily YYYY-MM-DD..YYYY-MM-DD' */
  account: string;
  deposits: DatedAmount[];
  withdrawals: DatedAmount[];
  interest: DatedAmount[];
  fees: DatedAmount[];
  expected_daily: number[];
  expected_cumulative: number[];
  tol: number;
}
interface TwrVectorT2b {
  id: 'T2b';
  source: string;
  expected_cumulative: number[];
  tol: number;
}
interface TwrVectorT3 {
  id: 'T3';
  source: string;
  subperiods: [number, number][];
  expected: number;
  tol: number;
}
type TwrVector = TwrVectorT1 | TwrVectorT2 | TwrVectorT2b | TwrVectorT3;

export interface DietzVector {
  id: string;
  source: string;
  begin: number;
  end: number;
  flows: number[];
  days: number[];
  period_days: number;
  expected: number;
  tol: number;
}

export interface XirrVector {
  id: string;
  source: string;
  flows: DatedAmount[];
  expected: number;
  tol: number;
}

export interface RiskExpectation {
  metric: 'sharpe' | 'annual_volatility' | 'max_drawdown';
  series: string;
  risk_free?: number | string;
  value: number;
  tol: number;
}

export interface CurrencyVector {
  id: string;
  source: string;
  note: string;
  expected: { base?: number; base_value_cad?: number; local: number; fx: number; interaction: number };
  tol: number;
}

export interface ReturnsFixture {
  twr: TwrVector[];
  modified_dietz: DietzVector[];
  xirr: XirrVector[];
  risk: { source: string; series: Record<string, (number | null)[]>; expected: RiskExpectation[] };
  currency: CurrencyVector[];
}

export const fixture: ReturnsFixture = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'returns-vectors.json'), 'utf8'),
) as ReturnsFixture;

function byId<T extends { id: string }>(list: readonly T[], id: string): T {
  const found = list.find((v) => v.id === id);
  if (!found) throw new Error(`returns-vectors.json has no vector '${id}'`);
  return found;
}

export function twrVector<I extends TwrVector['id']>(id: I): Extract<TwrVector, { id: I }> {
  return byId(fixture.twr, id) as Extract<TwrVector, { id: I }>;
}
export const dietzVector = (id: string): DietzVector => byId(fixture.modified_dietz, id);
export const xirrVector = (id: string): XirrVector => byId(fixture.xirr, id);
export const currencyVector = (id: string): CurrencyVector => byId(fixture.currency, id);

/** |actual − expected| ≤ tol, failing with both numbers and the distance. */
export function expectWithin(actual: number | null | undefined, expected: number, tol: number, what = 'value'): void {
  if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tol)) {
    const off = typeof actual === 'number' ? ` (off by ${Math.abs(actual - expected)})` : '';
    throw new Error(`${what}: expected ${expected} ± ${tol}, got ${String(actual)}${off}`);
  }
}

/** Element-wise expectWithin, same lengths. */
export function expectSeriesWithin(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expectWithin(actual[i], e, tol, `${what}[${i}]`));
}
