import type { Holding, Positions } from '../../ledger/positions';
import type { CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { runCutoff } from '../run-cutoff';

/** The fields of a pricing.apply_pack holding the detail copies. */
export interface ValuedHoldingFields {
  symbol: string;
  price: number | null;
  fxRate: number | null;
  marketValue: number | null;
  marketValueBase: number | null;
  weight: number | null;
  costBasisBase: number | null;
  bookFxRate: number | null;
  unrealisedPnlBase: number | null;
  unrealisedPriceEffectBase: number | null;
  unrealisedCurrencyEffectBase: number | null;
  returns: { base: number; local: number; fx: number; interaction: number } | null;
  realisedPnlBase: number | null;
}

/** What reference data says of a security. */
export interface SecurityFields {
  symbol: string;
  name: string;
  assetClass: string;
}

/**
 * One row per open holding: the ledger's quantity and cost in the holding's own currency beside
 * the pack's valuation in base (apply_pack's) and the security's name and asset class. A holding
 * the pack left unvalued keeps its ledger fields and nulls for the rest.
 */
export function holdingRows(holdings: readonly Holding[], valued: readonly ValuedHoldingFields[], securities: readonly SecurityFields[]) {
  const valuedOf = new Map(valued.map((v) => [v.symbol, v]));
  const securityOf = new Map(securities.map((s) => [s.symbol, s]));
  return holdings.map((h) => {
    const v = valuedOf.get(h.symbol);
    const s = securityOf.get(h.symbol);
    return {
      symbol: h.symbol,
      name: s?.name ?? null,
      assetClass: s?.assetClass ?? 'UNKNOWN',
      currency: h.currency,
      quantity: h.quantity,
      averageCost: h.averageCost,
      costBasis: h.costBasis,
      price: v?.price ?? null,
      marketValue: v?.marketValue ?? null,
      unrealisedPnl: v?.marketValue == null ? null : v.marketValue - h.costBasis,
      fxRate: v?.fxRate ?? null,
      marketValueBase: v?.marketValueBase ?? null,
      weight: v?.weight ?? null,
      costBasisBase: v?.costBasisBase ?? null,
      bookFxRate: v?.bookFxRate ?? null,
      unrealisedPnlBase: v?.unrealisedPnlBase ?? null,
      unrealisedPriceEffectBase: v?.unrealisedPriceEffectBase ?? null,
      unrealisedCurrencyEffectBase: v?.unrealisedCurrencyEffectBase ?? null,
      returns: v?.returns ?? null,
      realisedPnlBase: v?.realisedPnlBase ?? null,
    };
  });
}

/**
 * holdings.detail: the holdings of ledger.positions with their valuation by pricing.apply_pack and
 * their reference data, and the book cost of all of them in base.
 */
export const holdingsDetailCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const positions = args.positions as Positions;
    const valuation = args.valuation as { holdings: ValuedHoldingFields[] };
    const securities = await deps.securities.findAsOfRun(
      positions.holdings.map((h) => h.symbol),
      runCutoff(ctx),
    );
    const rows = holdingRows(positions.holdings, valuation.holdings, securities);
    return {
      data: {
        holdings: rows,
        costBasisBase: rows.reduce((sum, r) => sum + (r.costBasisBase ?? 0), 0),
      },
      provenance: [{ source: 'Internal', asOf: ctx.asofDate, confidence: 1 }],
    };
  };
