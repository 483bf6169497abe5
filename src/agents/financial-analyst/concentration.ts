import { concentration, type ConcentrationLimits } from '../../analytics';
import type { CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { runCutoff } from '../run-cutoff';

/** The fields of a pricing.apply_pack valuation this capability reads. */
interface Valuation {
  holdings: { symbol: string; currency: string; marketValueBase: number | null }[];
  cash: { currency: string; amountBase: number }[];
}

/** Default number of largest holdings listed. */
const DEFAULT_TOP_N = 5;

/**
 * metrics.concentration: the largest holdings, the Herfindahl index and the exposures by security,
 * asset class (reference data; CASH for cash) and currency of pricing.apply_pack's valuation, with
 * the limits given as inputs and the ones breached. Unvalued holdings are left out and listed.
 */
export const concentrationCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const valuation = args.valuation as Valuation;
    const topN = typeof args.topN === 'number' ? args.topN : DEFAULT_TOP_N;
    const limits = (args.limits ?? {}) as ConcentrationLimits;
    const securities = await deps.securities.findAsOfRun(
      valuation.holdings.map((h) => h.symbol),
      runCutoff(ctx),
    );
    const assetClassOf = new Map(securities.map((s) => [s.symbol, s.assetClass]));
    const valued = valuation.holdings.filter((h) => h.marketValueBase !== null);
    const result = concentration(
      valued.map((h) => ({
        symbol: h.symbol,
        currency: h.currency,
        assetClass: assetClassOf.get(h.symbol) ?? 'UNKNOWN',
        valueBase: h.marketValueBase!,
      })),
      valuation.cash.map((c) => ({ currency: c.currency, valueBase: c.amountBase })),
      topN,
      limits,
    );
    return {
      data: {
        ...result,
        limits,
        unvalued: valuation.holdings.filter((h) => h.marketValueBase === null).map((h) => h.symbol),
        conventions: {
          weights: 'shares of the total value in base, cash included (asset class CASH)',
          herfindahl: 'sum of squared shares of the invested value (cash excluded); effectiveNumberOfHoldings = 1 / herfindahl',
          breach: 'a weight (or the index) strictly above its limit',
        },
      },
      provenance: [{ source: 'Internal', asOf: ctx.asofDate, confidence: 1 }],
    };
  };
