import { attributeCurrency } from '../../analytics';
import type { CapabilityFn } from '../../runtime/capability';

/** The fields of a pricing.apply_pack holding this capability reads. */
interface ValuedHolding {
  symbol: string;
  currency: string;
  marketValueBase: number | null;
  costBasisBase: number | null;
  bookFxRate: number | null;
  fxRate: number | null;
  returns: { local: number; fx: number } | null;
}

/**
 * attribution.currency: each holding's base-currency return since its purchases split into local,
 * fx and interaction, weighted by book cost in base into the total, with the geometric currency
 * return beside each. Reads pricing.apply_pack's valuation; a holding without a return there
 * (unvalued, or no cost) is listed as excluded rather than guessed.
 */
export const currencyAttributionCapability =
  (): CapabilityFn =>
  async ({ ctx, args }) => {
    const valuation = args.valuation as { holdings: ValuedHolding[] };
    const included = valuation.holdings.filter((h) => h.returns !== null && h.costBasisBase !== null && h.costBasisBase > 0);
    const excluded = valuation.holdings.filter((h) => !included.includes(h)).map((h) => h.symbol);
    const { holdings, total } = attributeCurrency(
      included.map((h) => ({ baseCost: h.costBasisBase!, local: h.returns!.local, fx: h.returns!.fx })),
    );
    return {
      data: {
        baseCurrency: ctx.baseCurrency,
        holdings: included.map((h, i) => ({
          symbol: h.symbol,
          currency: h.currency,
          costBasisBase: h.costBasisBase,
          marketValueBase: h.marketValueBase,
          bookFxRate: h.bookFxRate,
          fxRate: h.fxRate,
          ...holdings[i],
        })),
        total,
        excluded,
        conventions: {
          period: 'since purchase: book cost at each trade date’s rate, value at the pack’s prices and rates',
          decomposition: 'base = local + fx + interaction, interaction = local x fx; fx is the change of the base-per-local rate',
          weights: 'book cost in base; contributions are weight x each part and add up to the total',
          geometricCurrency: '(1 + base) / (1 + local) - 1',
        },
      },
      provenance: [{ source: 'Internal', asOf: ctx.asofDate, confidence: 1 }],
    };
  };
