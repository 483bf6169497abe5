/**
 * Concentration of a portfolio's value: the largest holdings, the Herfindahl index and the
 * exposures by security, asset class and currency, checked against optional limits.
 *
 * Conventions (the README copies these):
 * - Exposure weights are shares of the total value in base, cash included (cash is the asset class
 *   CASH, in its own currency), so each breakdown adds up to 1.
 * - The Herfindahl index is Σ w² over the securities' shares of the invested value (cash
 *   excluded): 1 for a single holding, 1/n for n equal ones; its inverse is the effective number
 *   of holdings.
 * - The top-N weight is the sum of the N largest securities' exposure weights.
 * - A limit is breached when a weight (or the index) is strictly above it; breaches are listed
 *   by kind, then largest excess first.
 */
import { assertFinite } from './numeric';

/** A valued holding: its value in base and what it is exposed to. */
export interface ExposureHolding {
  readonly symbol: string;
  readonly assetClass: string;
  readonly currency: string;
  readonly valueBase: number;
}

/** Cash in one currency, in base. */
export interface ExposureCash {
  readonly currency: string;
  readonly valueBase: number;
}

/** Optional upper limits, each a weight between 0 and 1 (the Herfindahl index too). */
export interface ConcentrationLimits {
  readonly maxSecurityWeight?: number;
  readonly maxTopNWeight?: number;
  readonly maxHerfindahl?: number;
  /** Per asset class, e.g. EQUITY: 0.7. */
  readonly assetClass?: Readonly<Record<string, number>>;
  /** Per currency, e.g. USD: 0.3. */
  readonly currency?: Readonly<Record<string, number>>;
}

/** A slice of the total value. */
export interface Exposure {
  readonly key: string;
  readonly valueBase: number;
  readonly weight: number;
}

/** A limit a weight (or the index) is above. */
export interface LimitBreach {
  readonly kind: 'security' | 'topN' | 'herfindahl' | 'assetClass' | 'currency';
  readonly key: string;
  readonly value: number;
  readonly limit: number;
  readonly excess: number;
}

/** The concentration measures of one valuation (see the module conventions). */
export interface Concentration {
  readonly totalValueBase: number;
  readonly investedValueBase: number;
  readonly topN: number;
  readonly topHoldings: Exposure[];
  readonly topNWeight: number;
  readonly herfindahl: number | null;
  readonly effectiveNumberOfHoldings: number | null;
  readonly bySecurity: Exposure[];
  readonly byAssetClass: Exposure[];
  readonly byCurrency: Exposure[];
  readonly breaches: LimitBreach[];
}

function slices(amounts: Map<string, number>, total: number): Exposure[] {
  return [...amounts.entries()]
    .map(([key, valueBase]) => ({ key, valueBase, weight: total === 0 ? 0 : valueBase / total }))
    .sort((a, b) => b.valueBase - a.valueBase || a.key.localeCompare(b.key));
}

function sumBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number, into = new Map<string, number>()) {
  for (const item of items) into.set(key(item), (into.get(key(item)) ?? 0) + value(item));
  return into;
}

const KIND_ORDER: readonly LimitBreach['kind'][] = ['security', 'topN', 'herfindahl', 'assetClass', 'currency'];

/**
 * Top-N holdings, Herfindahl index, exposures and limit breaches of a valuation. Throws a
 * RangeError on a non-finite value or a topN below 1.
 */
export function concentration(
  holdings: readonly ExposureHolding[],
  cash: readonly ExposureCash[],
  topN: number,
  limits: ConcentrationLimits = {},
): Concentration {
  if (!Number.isInteger(topN) || topN < 1) throw new RangeError(`topN must be an integer >= 1, got ${topN}`);
  holdings.forEach((h, i) => assertFinite(h.valueBase, `holdings[${i}].valueBase`));
  cash.forEach((c, i) => assertFinite(c.valueBase, `cash[${i}].valueBase`));
  const investedValueBase = holdings.reduce((sum, h) => sum + h.valueBase, 0);
  const totalValueBase = investedValueBase + cash.reduce((sum, c) => sum + c.valueBase, 0);

  const bySecurity = slices(
    sumBy(
      holdings,
      (h) => h.symbol,
      (h) => h.valueBase,
    ),
    totalValueBase,
  );
  const byAssetClass = slices(
    sumBy(
      cash,
      () => 'CASH',
      (c) => c.valueBase,
      sumBy(
        holdings,
        (h) => h.assetClass,
        (h) => h.valueBase,
      ),
    ),
    totalValueBase,
  );
  const byCurrency = slices(
    sumBy(
      cash,
      (c) => c.currency,
      (c) => c.valueBase,
      sumBy(
        holdings,
        (h) => h.currency,
        (h) => h.valueBase,
      ),
    ),
    totalValueBase,
  );
  const topHoldings = bySecurity.slice(0, topN);
  const topNWeight = topHoldings.reduce((sum, s) => sum + s.weight, 0);
  const herfindahl = investedValueBase === 0 ? null : bySecurity.reduce((sum, s) => sum + (s.valueBase / investedValueBase) ** 2, 0);

  const breaches: LimitBreach[] = [];
  const check = (kind: LimitBreach['kind'], key: string, value: number, limit: number | undefined) => {
    if (limit !== undefined && value > limit) breaches.push({ kind, key, value, limit, excess: value - limit });
  };
  for (const s of bySecurity) check('security', s.key, s.weight, limits.maxSecurityWeight);
  check('topN', `top ${topN}`, topNWeight, limits.maxTopNWeight);
  if (herfindahl !== null) check('herfindahl', 'securities', herfindahl, limits.maxHerfindahl);
  for (const s of byAssetClass) check('assetClass', s.key, s.weight, limits.assetClass?.[s.key]);
  for (const s of byCurrency) check('currency', s.key, s.weight, limits.currency?.[s.key]);
  breaches.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.excess - a.excess || a.key.localeCompare(b.key));

  return {
    totalValueBase,
    investedValueBase,
    topN,
    topHoldings,
    topNWeight,
    herfindahl,
    effectiveNumberOfHoldings: herfindahl === null || herfindahl === 0 ? null : 1 / herfindahl,
    bySecurity,
    byAssetClass,
    byCurrency,
    breaches,
  };
}
