import type { Positions } from '../../ledger/positions';
import type { CapabilityFn, CapabilityWarning, Provenance } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { FxConverter } from './fx';

/**
 * pricing.apply_pack: values holdings and cash in the base currency with the execution's pack.
 * A holding the pack has no price (or FX rate) for is reported, left unvalued, and lowers
 * confidence by its share of the holdings: one missing quote must not sink a whole overview, but
 * its warning marks the data incomplete, so the run ends PARTIAL.
 */
export const applyPackCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const positions = args.positions as Positions;
    const symbols = positions.holdings.map((h) => h.symbol);
    const [prices, fxRows] = await Promise.all([
      deps.marketData.packPrices(ctx.pricingPackId, symbols),
      deps.marketData.packFx(ctx.pricingPackId),
    ]);
    const priceOf = new Map(prices.map((p) => [p.symbol, p]));
    const fx = new FxConverter(new Map(fxRows.map((r) => [r.currency, r.rate])), ctx.packBaseCurrency, ctx.baseCurrency);
    const warnings: CapabilityWarning[] = [];
    const missingPrices: string[] = [];

    const holdings = positions.holdings.map((h) => {
      const price = priceOf.get(h.symbol);
      const fxRate = fx.rate(h.currency);
      if (!price || fxRate === undefined) {
        missingPrices.push(h.symbol);
        // Incomplete: the run ends PARTIAL, whatever the share of the holding.
        warnings.push(
          price
            ? {
                code: 'FX_RATE_MISSING',
                message: `no FX rate for ${h.currency}; ${h.symbol} left unvalued`,
                symbol: h.symbol,
                incomplete: true,
              }
            : {
                code: 'PRICE_MISSING',
                message: `no price for ${h.symbol} in ${ctx.pricingPackId}; left unvalued`,
                symbol: h.symbol,
                incomplete: true,
              },
        );
        return {
          symbol: h.symbol,
          quantity: h.quantity,
          currency: h.currency,
          price: null,
          fxRate: fxRate ?? null,
          marketValue: null,
          marketValueBase: null,
          costBasisBase: null,
          unrealisedPnlBase: null,
        };
      }
      const marketValue = h.quantity * price.close;
      return {
        symbol: h.symbol,
        quantity: h.quantity,
        currency: h.currency,
        price: price.close,
        fxRate,
        marketValue,
        marketValueBase: marketValue * fxRate,
        costBasisBase: h.costBasis * fxRate,
        unrealisedPnlBase: (marketValue - h.costBasis) * fxRate,
      };
    });
    const cash = positions.cash
      .filter((c) => Math.abs(c.amount) > 1e-9)
      .map((c) => ({ currency: c.currency, amount: c.amount, amountBase: fx.convert(c.amount, c.currency) }));
    const investedValueBase = holdings.reduce((sum, h) => sum + (h.marketValueBase ?? 0), 0);
    const cashValueBase = cash.reduce((sum, c) => sum + c.amountBase, 0);
    const totalValueBase = investedValueBase + cashValueBase;
    const withWeights = holdings.map((h) => ({
      ...h,
      weight: h.marketValueBase === null || totalValueBase === 0 ? null : h.marketValueBase / totalValueBase,
    }));

    const priced = holdings.length - missingPrices.length;
    const confidence = holdings.length === 0 ? 1 : priced / holdings.length;
    const provenance: Provenance[] = [...new Set(prices.map((p) => p.source)), ...new Set(fxRows.map((r) => r.source))].map((source) => ({
      source,
      asOf: ctx.asofDate,
      confidence,
    }));
    return {
      data: {
        asOf: ctx.asofDate,
        packId: ctx.pricingPackId,
        baseCurrency: ctx.baseCurrency,
        holdings: withWeights,
        cash,
        investedValueBase,
        cashValueBase,
        totalValueBase,
        missingPrices,
      },
      provenance,
      warnings,
    };
  };
