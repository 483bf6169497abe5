import { LedgerBook, sortEntries } from '../../ledger/positions';
import {
  CapabilityError,
  type ArgumentIssue,
  type CapabilityCall,
  type CapabilityFn,
  type Provenance,
  type RequestCtx,
} from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { FxConverter } from './fx';
import { ledgerEntries } from './ledger-entries';

/**
 * One day of a valuation series: the portfolio's value in that day's pack and the external flows
 * traded since the previous point.
 */
export interface ValuationPoint {
  date: string;
  packId: string;
  /** End-of-day value of holdings and cash, in the base currency. */
  value: number;
  /** External flows traded since the previous point, in the base currency at this day's rate. */
  inflow: number;
  outflow: number;
}

/**
 * An external flow (DEPOSIT +, WITHDRAWAL −, from the portfolio's side) on its ledger trade date,
 * in the base currency at the rate of the newest pack on or before that date.
 */
export interface DatedExternalFlow {
  date: string;
  amount: number;
}

/**
 * The portfolio's daily valuations over a period, in one currency: what the return, risk and chart
 * capabilities take as their `series` argument.
 */
export interface ValuationSeries {
  /** The first and last valuation dates. */
  start: string;
  end: string;
  /** The start asked for (the first valuation is the first pack on or after it). */
  requestedStart: string;
  baseCurrency: string;
  points: ValuationPoint[];
  /**
   * The external flows after the first valuation, each on its trade date (points book them at the
   * next valuation on or after it), in trade order: what XIRR and Modified Dietz date them by.
   */
  flows: DatedExternalFlow[];
}

/**
 * pricing.valuation_series: the portfolio's daily value over [start, end] (or from the ledger's
 * first trade date, with `fromInception: true`) from the packs of that period, with the external
 * flows between valuations. Holdings come from one replay of
 * the ledger; prices and FX from one statement, whatever the portfolio's size or the period.
 * A price missing on a day carries the previous close forward (reported, lowering confidence).
 */
export const valuationSeriesCapability = (deps: AgentDeps): CapabilityFn =>
  Object.assign(
    async ({ ctx, args }: CapabilityCall) => {
      const entries = sortEntries(await ledgerEntries(deps, ctx, args.portfolioId));
      const { start, end } = periodOf(args, ctx, entries[0]?.tradeDate);
      if (start >= end) throw new CapabilityError('BAD_PERIOD', `the period must start before it ends (${start} .. ${end})`);

      const symbols = [...new Set(entries.flatMap((e) => (e.symbol ? [e.symbol] : [])))];
      const market = await deps.marketData.dailySeries({
        policy: ctx.policy,
        start,
        end,
        symbols,
        publishedBy: new Date(ctx.pricingPackCreatedAt),
      });
      if (market.dates.length < 2) throw new CapabilityError('NOT_ENOUGH_PACKS', `fewer than two usable packs between ${start} and ${end}`);

      // Per symbol and per ledger, not per day: the loop below runs once per valuation day.
      const currencyOfSymbol = new Map<string, string>();
      for (const e of entries) if (e.symbol && !currencyOfSymbol.has(e.symbol)) currencyOfSymbol.set(e.symbol, e.currency);
      const cashCurrencies = [...new Set(entries.map((e) => e.currency))];
      const book = new LedgerBook();
      const lastClose = new Map<string, number>();
      const carried = new Set<string>();
      const sources = new Map<string, string>();
      const points: ValuationPoint[] = [];
      const flows: DatedExternalFlow[] = [];
      let previousFx: FxConverter | null = null;
      let next = 0;
      let carriedDays = 0;
      for (const date of market.dates) {
        let inflow = 0;
        let outflow = 0;
        const fxRows = market.fx.get(date)!;
        for (const row of fxRows.values()) sources.set(row.source, date);
        const fx = new FxConverter(new Map([...fxRows.values()].map((r) => [r.currency, r.rate])), ctx.packBaseCurrency, ctx.baseCurrency);
        // Apply everything traded up to this valuation; flows before the first point are history
        // (the opening value already holds them), so the first point carries none. A flow is
        // converted at the rate of the newest pack on or before its trade date: this day's when it
        // was traded today, else the previous valuation's.
        while (next < entries.length && entries[next].tradeDate <= date) {
          const entry = entries[next++];
          book.apply(entry);
          if (entry.kind !== 'DEPOSIT' && entry.kind !== 'WITHDRAWAL') continue;
          const rateOfTradeDate = entry.tradeDate === date || previousFx === null ? fx : previousFx;
          const amount = rateOfTradeDate.convert(entry.amount ?? 0, entry.currency);
          if (entry.kind === 'DEPOSIT') inflow += amount;
          else outflow += amount;
          if (points.length > 0) flows.push({ date: entry.tradeDate, amount: entry.kind === 'DEPOSIT' ? amount : -amount });
        }
        previousFx = fx;
        const prices = market.prices.get(date)!;
        let value = 0;
        let carriedToday = false;
        for (const symbol of symbols) {
          const quantity = book.quantityOf(symbol);
          const row = prices.get(symbol);
          if (row) {
            lastClose.set(symbol, row.close);
            sources.set(row.source, date);
          }
          if (Math.abs(quantity) < 1e-12) continue;
          const close = row?.close ?? lastClose.get(symbol);
          if (close === undefined) throw new CapabilityError('PRICE_MISSING', `no price for ${symbol} on or before ${date}`);
          if (!row) {
            carried.add(symbol);
            carriedToday = true;
          }
          value += fx.convert(quantity * close, currencyOfSymbol.get(symbol)!);
        }
        for (const currency of cashCurrencies) value += fx.convert(book.cashOf(currency), currency);
        if (carriedToday) carriedDays++;
        points.push({
          date,
          packId: market.packIds.get(date)!,
          value,
          inflow: points.length === 0 ? 0 : inflow,
          outflow: points.length === 0 ? 0 : outflow,
        });
      }

      const confidence = 1 - carriedDays / points.length;
      const provenance: Provenance[] = [
        ...[...sources.entries()].map(([source, asOf]) => ({ source, asOf, confidence })),
        { source: 'Internal', asOf: end, confidence: 1 },
      ];
      const series: ValuationSeries = {
        start: market.dates[0],
        end: market.dates[market.dates.length - 1],
        requestedStart: start,
        baseCurrency: ctx.baseCurrency,
        points,
        flows,
      };
      return {
        data: series,
        provenance,
        warnings: [...carried].sort().map((symbol) => ({
          code: 'PRICE_CARRIED_FORWARD',
          message: `no price for ${symbol} on some days; the previous close was carried forward`,
          symbol,
        })),
      };
    },
    {
      checkArgs: (args: Record<string, unknown>, ctx: RequestCtx): ArgumentIssue[] => {
        // From inception: the start is the ledger's first trade date, known only once it is read.
        if (args.fromInception === true) return [];
        const { start, end } = periodOf(args, ctx);
        return start >= end
          ? [{ arg: 'start', message: `the period must start before it ends, and by the pack's date ${ctx.asofDate} (${start} .. ${end})` }]
          : [];
      },
    },
  );

/**
 * The period asked for, its end no later than the pack's date (there are no prices after it).
 * With `fromInception`, it starts on the ledger's first trade date (the default start for an empty ledger).
 */
export function periodOf(args: Record<string, unknown>, ctx: RequestCtx, firstTradeDate?: string): { start: string; end: string } {
  const start = args.fromInception === true && firstTradeDate ? firstTradeDate : String(args.start ?? ctx.defaultStart);
  const asked = String(args.end ?? ctx.asofDate);
  return { start, end: asked > ctx.asofDate ? ctx.asofDate : asked };
}
