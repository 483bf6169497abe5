import { splitBaseCurrencyPnl } from '../../analytics';
import { RESULT_DECIMALS } from '../../execution/result-envelope';
import type { Positions } from '../../ledger/positions';
import type { CapabilityFn, CapabilityWarning, Provenance, RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { baseCostBook, type BaseCostPosition } from './base-cost';
import { FxConverter } from './fx';
import { tradeDateRateOf, tradeDateRates } from './trade-date-fx';

/** Book costs in base at each trade's own date (see tradeDateRateOf for which pack's rate). */
function baseCostsOf(
  ctx: RequestCtx,
  { entries, fxOn }: Awaited<ReturnType<typeof tradeDateRates>>,
  today: FxConverter,
  warnings: CapabilityWarning[],
) {
  const rates = tradeDateRateOf(ctx, fxOn, today, 'book cost');
  const book = baseCostBook(entries, ctx.asofDate, rates.rateOn, RESULT_DECIMALS);
  warnings.push(...rates.warnings());
  return book;
}

/** A priced holding's P&L in base, split into price and currency effects that add up to it. */
function pnlOf(costBasis: number, marketValue: number, fxRate: number, book: BaseCostPosition | undefined) {
  const baseCost = book?.baseCost ?? costBasis * fxRate;
  if (!(costBasis > 0) || !(baseCost > 0)) return null;
  return splitBaseCurrencyPnl({ localCost: costBasis, baseCost, localValue: marketValue, rate: fxRate }, RESULT_DECIMALS);
}

/**
 * pricing.apply_pack: values holdings and cash in the base currency with the execution's pack.
 * Book cost in base is what each purchase cost at its trade date's rate, so unrealised and
 * realised P&L in base split into a price effect and a currency effect that add up to them.
 * A holding the pack has no price (or FX rate) for is reported, left unvalued, and lowers
 * confidence by its share of the holdings: one missing quote must not sink a whole overview, but
 * its warning marks the data incomplete, so the run ends PARTIAL.
 */
export const applyPackCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const positions = args.positions as Positions;
    const symbols = positions.holdings.map((h) => h.symbol);
    // The trade-date rates do not wait for the pack's own prices and rates: two reads at once.
    const [{ prices, fx: fxRows }, tradeDates] = await Promise.all([
      deps.marketData.packQuotes(ctx.pricingPackId, symbols),
      tradeDateRates(deps, ctx),
    ]);
    const priceOf = new Map(prices.map((p) => [p.symbol, p]));
    const fx = new FxConverter(new Map(fxRows.map((r) => [r.currency, r.rate])), ctx.packBaseCurrency, ctx.baseCurrency);
    const warnings: CapabilityWarning[] = [];
    const missingPrices: string[] = [];
    const book = baseCostsOf(ctx, tradeDates, fx, warnings);

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
          costBasisBase: book.get(h.symbol)?.baseCost ?? null,
          bookFxRate: null,
          unrealisedPnlBase: null,
          unrealisedPriceEffectBase: null,
          unrealisedCurrencyEffectBase: null,
          returns: null,
          realisedPnlBase: book.get(h.symbol)?.realised ?? null,
        };
      }
      const marketValue = h.quantity * price.close;
      const pnl = pnlOf(h.costBasis, marketValue, fxRate, book.get(h.symbol));
      return {
        symbol: h.symbol,
        quantity: h.quantity,
        currency: h.currency,
        price: price.close,
        fxRate,
        marketValue,
        marketValueBase: marketValue * fxRate,
        costBasisBase: book.get(h.symbol)?.baseCost ?? h.costBasis * fxRate,
        bookFxRate: pnl?.purchaseRate ?? null,
        unrealisedPnlBase: pnl?.total ?? null,
        unrealisedPriceEffectBase: pnl?.priceEffect ?? null,
        unrealisedCurrencyEffectBase: pnl?.currencyEffect ?? null,
        returns: pnl ? { base: pnl.baseReturn, local: pnl.localReturn, fx: pnl.fxReturn, interaction: pnl.interaction } : null,
        realisedPnlBase: book.get(h.symbol)?.realised ?? null,
      };
    });
    const sum = (values: (number | null | undefined)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
    const realised = [...book.values()].map((b) => b.realised);
    const pnl = {
      unrealised: {
        total: sum(holdings.map((h) => h.unrealisedPnlBase)),
        priceEffect: sum(holdings.map((h) => h.unrealisedPriceEffectBase)),
        currencyEffect: sum(holdings.map((h) => h.unrealisedCurrencyEffectBase)),
      },
      realised: {
        total: sum(realised.map((r) => r.total)),
        priceEffect: sum(realised.map((r) => r.priceEffect)),
        currencyEffect: sum(realised.map((r) => r.currencyEffect)),
      },
    };
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
        pnlBase: pnl,
        missingPrices,
      },
      provenance,
      warnings,
    };
  };
