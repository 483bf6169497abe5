/**
 * Modified Dietz return: a money-weighted approximation that needs only the period's start and
 * end values and its external flows, no intermediate valuations.
 *
 *     R = (E − B − ΣF_i) / (B + Σ w_i·F_i),   w_i = (CD − D_i) / CD
 *
 * Conventions (the README copies these):
 * - `periodDays` (CD) is the number of calendar days in the period; `flowDays[i]` (D_i) is the
 *   number of days from the period start to flow i, 0 ≤ D_i ≤ CD. A flow on the start date
 *   (D = 0) counts as invested for the whole period (weight 1), one on the end date (D = CD)
 *   not at all (weight 0). This is the weight of the ubique and SockTrader implementations
 *   (vectors M1, M2); sources that book flows at the end of their day use (CD − D − 1) / CD
 *   instead, which the caller obtains by passing D + 1.
 * - Flows are external flows signed from the portfolio's side (+ deposit, − withdrawal).
 * - Returns null when the average invested capital B + Σ w_i·F_i is not positive: the return
 *   is undefined then.
 */
import { assertFinite, assertPositive, assertSameLength } from './numeric';

/** Weight of a flow made `day` days into a period of `periodDays` days: (CD − D) / CD. */
export function dietzWeight(day: number, periodDays: number): number {
  assertPositive(periodDays, 'periodDays');
  assertFinite(day, 'day');
  if (day < 0 || day > periodDays) {
    throw new RangeError(`a flow day must be within [0, ${periodDays}], got ${day}`);
  }
  return (periodDays - day) / periodDays;
}

/**
 * Modified Dietz return of one period: the gain net of external flows over the average invested
 * capital, (E − B − ΣF_i) / (B + Σ w_i·F_i). Null when that capital is not positive.
 */
export function modifiedDietz(
  begin: number,
  end: number,
  flows: readonly number[],
  flowDays: readonly number[],
  periodDays: number,
): number | null {
  assertFinite(begin, 'begin');
  assertFinite(end, 'end');
  assertSameLength(flows, 'flows', flowDays, 'flowDays');
  let netFlow = 0;
  let weightedFlow = 0;
  flows.forEach((flow, i) => {
    assertFinite(flow, `flows[${i}]`);
    netFlow += flow;
    weightedFlow += dietzWeight(flowDays[i], periodDays) * flow;
  });
  const averageCapital = begin + weightedFlow;
  if (!(averageCapital > 0)) return null;
  return (end - begin - netFlow) / averageCapital;
}
