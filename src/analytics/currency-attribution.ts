/**
 * Currency attribution of a set of holdings since their purchase, in the base currency.
 *
 * Conventions (the README copies these):
 * - Each holding's base return splits as base = local + fx + local·fx (see currency.ts), with fx
 *   the change of the base-per-local rate since the purchases (their cost-weighted rate).
 * - The total weights each holding by its book cost in base (what the purchases cost when made),
 *   so the contributions w·local, w·fx and w·local·fx add up to the total base return exactly:
 *   total base = Σ w·base = (Σ value in base) / (Σ book cost in base) − 1.
 * - The geometric currency return is (1 + base) / (1 + local) − 1: the return the currency added
 *   on top of the local return, compounded rather than added. For one holding it is its fx; for
 *   the total it is (value at today's rates) / (value at the purchase rates) − 1.
 */
import { assertFinite, assertPositive } from './numeric';

/** A holding's book cost in base and its local and currency returns since purchase. */
export interface AttributionInput {
  /** Book cost in the base currency, each purchase at its trade date's rate. */
  readonly baseCost: number;
  /** Return in the holding's own currency. */
  readonly local: number;
  /** Change of the base-per-local rate since the purchases (0 for a base-currency holding). */
  readonly fx: number;
}

/** One holding's returns, its weight in the total and its contributions to the total's parts. */
export interface HoldingAttribution {
  readonly weight: number;
  readonly base: number;
  readonly local: number;
  readonly fx: number;
  readonly interaction: number;
  readonly geometricCurrency: number;
  readonly contribution: { readonly base: number; readonly local: number; readonly fx: number; readonly interaction: number };
}

/** The total's returns: the arithmetic split (local + fx + interaction = base) and the geometric currency return. */
export interface TotalAttribution {
  readonly baseCost: number;
  readonly base: number;
  readonly local: number;
  readonly fx: number;
  readonly interaction: number;
  readonly geometricCurrency: number;
}

/**
 * Attributes each holding's and the total base return to local, fx and interaction (see the module
 * conventions). Throws a RangeError unless every cost is positive and every return finite and above
 * −100 %; an empty list has no total (null).
 */
export function attributeCurrency(holdings: readonly AttributionInput[]): {
  holdings: HoldingAttribution[];
  total: TotalAttribution | null;
} {
  holdings.forEach((h, i) => {
    assertPositive(h.baseCost, `holdings[${i}].baseCost`);
    assertFinite(h.local, `holdings[${i}].local`);
    assertFinite(h.fx, `holdings[${i}].fx`);
    if (h.local <= -1 || h.fx <= -1) throw new RangeError(`holdings[${i}]: returns must be above -1`);
  });
  const totalCost = holdings.reduce((sum, h) => sum + h.baseCost, 0);
  const rows = holdings.map((h) => {
    const weight = h.baseCost / totalCost;
    const interaction = h.local * h.fx;
    const base = h.local + h.fx + interaction;
    return {
      weight,
      base,
      local: h.local,
      fx: h.fx,
      interaction,
      geometricCurrency: (1 + base) / (1 + h.local) - 1,
      contribution: { base: weight * base, local: weight * h.local, fx: weight * h.fx, interaction: weight * interaction },
    };
  });
  if (rows.length === 0) return { holdings: rows, total: null };
  const sum = (pick: (r: HoldingAttribution) => number) => rows.reduce((total, r) => total + pick(r), 0);
  const local = sum((r) => r.contribution.local);
  const base = sum((r) => r.contribution.base);
  return {
    holdings: rows,
    total: {
      baseCost: totalCost,
      base,
      local,
      fx: sum((r) => r.contribution.fx),
      interaction: sum((r) => r.contribution.interaction),
      geometricCurrency: (1 + base) / (1 + local) - 1,
    },
  };
}
