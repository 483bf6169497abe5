import type { LedgerEntryRecord } from '../../data/ledger/ledger-repository';
import type { TradeDateFx } from '../../data/packs/market-data';
import type { CapabilityWarning, RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { FxConverter } from './fx';
import { ledgerEntries } from './ledger-entries';

/** The run's ledger up to the pack's date, and the policy's rates on each trade date of an entry in another currency than the base. */
export async function tradeDateRates(
  deps: AgentDeps,
  ctx: RequestCtx,
): Promise<{ entries: LedgerEntryRecord[]; fxOn: Map<string, TradeDateFx> }> {
  const entries = (await ledgerEntries(deps, ctx, ctx.portfolioId)).filter((e) => e.tradeDate <= ctx.asofDate);
  const foreignDates = [...new Set(entries.filter((e) => e.currency !== ctx.baseCurrency).map((e) => e.tradeDate))];
  const fxOn = await deps.marketData.fxOnTradeDates({
    policy: ctx.policy,
    dates: foreignDates,
    publishedBy: new Date(ctx.pricingPackCreatedAt),
  });
  return { entries, fxOn };
}

/**
 * The base-currency rate of a currency on a trade date: the rate of the newest pack of the policy
 * on or before the trade date (published by the pinned pack, as for series). When no pack that
 * early has the rate, the nearest later one's, and failing that today's (the pinned pack's), each
 * noted once and reported by `warnings()` as TRADE_DATE_FX_APPROXIMATED.
 */
export function tradeDateRateOf(ctx: RequestCtx, fxOn: ReadonlyMap<string, TradeDateFx>, today: FxConverter, purpose: string) {
  const approximated = new Set<string>();
  const rateOn = (currency: string, tradeDate: string): number => {
    if (currency === ctx.baseCurrency) return 1;
    const chosen = fxOn.get(tradeDate);
    const rate = chosen ? new FxConverter(chosen.rates, ctx.packBaseCurrency, ctx.baseCurrency).rate(currency) : undefined;
    if (rate !== undefined && chosen!.packDate <= tradeDate) return rate;
    approximated.add(`${currency} ${tradeDate} ${rate === undefined ? 'today' : chosen!.packDate}`);
    return rate ?? today.rate(currency) ?? 1;
  };
  const warnings = (): CapabilityWarning[] =>
    [...approximated].sort().map((key) => {
      const [currency, tradeDate, used] = key.split(' ');
      return {
        code: 'TRADE_DATE_FX_APPROXIMATED',
        message: `no pack on or before ${tradeDate} has a ${currency} rate; ${purpose} uses the rate of ${used === 'today' ? ctx.pricingPackId : `the pack of ${used}`}`,
      };
    });
  return { rateOn, warnings };
}
