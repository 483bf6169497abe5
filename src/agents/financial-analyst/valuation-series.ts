import type { CarriedClose, DailyValuationRequest, ValuationDay } from '../../data/packs/daily-valuation';
import { cashOnDates, heldCounts, heldOn, ledgerIntervals, type LedgerIntervals } from '../../ledger/holding-intervals';
import { sortEntries } from '../../ledger/positions';
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
 * flows between valuations. Holdings come from one replay of the ledger, as intervals; the database
 * values them on every pack day in one statement, so what reaches JavaScript grows with the days
 * and the currencies, not with holdings × days.
 * A price missing on a day carries the previous close forward (reported, lowering confidence).
 */
export const valuationSeriesCapability = (deps: AgentDeps): CapabilityFn =>
  Object.assign(
    async ({ ctx, args }: CapabilityCall) => {
      const entries = sortEntries(await ledgerEntries(deps, ctx, args.portfolioId));
      const { start, end } = periodOf(args, ctx, entries[0]?.tradeDate);
      if (start >= end) throw new CapabilityError('BAD_PERIOD', `the period must start before it ends (${start} .. ${end})`);

      // What was held when, as intervals (one replay); the database values them on every pack day.
      const ledger = ledgerIntervals(entries, end);
      const request = {
        policy: ctx.policy,
        start,
        end,
        publishedBy: new Date(ctx.pricingPackCreatedAt),
        symbols: ledger.symbols,
        holdings: ledger.holdings,
      };
      const days = await deps.marketData.dailyValuation(request);
      if (days.length < 2) throw new CapabilityError('NOT_ENOUGH_PACKS', `fewer than two usable packs between ${start} and ${end}`);
      const dates = days.map((d) => d.date);
      const gaps = await closesMissing(deps, request, ledger, days, heldCounts(ledger.holdings, dates));
      const cash = cashOnDates(ledger.cash, dates);

      const carried = new Set<string>();
      const sources = new Map<string, string>();
      const points: ValuationPoint[] = [];
      const flows: DatedExternalFlow[] = [];
      let previousFx: FxConverter | null = null;
      let next = 0;
      let carriedDays = 0;
      for (const [i, day] of days.entries()) {
        const { date } = day;
        let inflow = 0;
        let outflow = 0;
        for (const row of day.fx.values()) sources.set(row.source, date);
        for (const source of day.priceSources) sources.set(source, date);
        const fx = new FxConverter(new Map([...day.fx.values()].map((r) => [r.currency, r.rate])), ctx.packBaseCurrency, ctx.baseCurrency);
        // External flows traded up to this valuation; flows before the first point are history
        // (the opening value already holds them), so the first point carries none. A flow is
        // converted at the rate of the newest pack on or before its trade date: this day's when it
        // was traded today, else the previous valuation's.
        while (next < entries.length && entries[next].tradeDate <= date) {
          const entry = entries[next++];
          if (entry.kind !== 'DEPOSIT' && entry.kind !== 'WITHDRAWAL') continue;
          const rateOfTradeDate = entry.tradeDate === date || previousFx === null ? fx : previousFx;
          const amount = rateOfTradeDate.convert(entry.amount ?? 0, entry.currency);
          if (entry.kind === 'DEPOSIT') inflow += amount;
          else outflow += amount;
          if (points.length > 0) flows.push({ date: entry.tradeDate, amount: entry.kind === 'DEPOSIT' ? amount : -amount });
        }
        previousFx = fx;
        const dayGaps = gaps.get(date) ?? [];
        const missing = dayGaps.filter((g) => g.close === null).map((g) => g.symbol);
        if (missing.length > 0 || ledger.currencies.some((c) => fx.rate(c) === undefined)) failOn(date, missing, fx, ledger);
        // Per currency: the priced holdings (summed in the database), the carried closes, the cash.
        const local = new Map(day.holdingsValue);
        const held = dayGaps.length > 0 ? heldOn(ledger.holdings, date) : null;
        for (const gap of dayGaps) {
          const holding = held!.get(gap.symbol)!;
          local.set(holding.currency, (local.get(holding.currency) ?? 0) + holding.quantity * gap.close!);
          carried.add(gap.symbol);
        }
        for (const [currency, amount] of cash[i]) local.set(currency, (local.get(currency) ?? 0) + amount);
        // Every currency the ledger touched, in ledger order: a zero balance still needs its rate.
        let value = 0;
        for (const currency of ledger.currencies) value += fx.convert(local.get(currency) ?? 0, currency);
        if (dayGaps.length > 0) carriedDays++;
        points.push({
          date,
          packId: day.packId,
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
        start: days[0].date,
        end: days[days.length - 1].date,
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
 * The held securities each day's pack does not price, with the closes they carry forward: asked of
 * the database only for the days that priced fewer securities than were held (rare: holidays of
 * one market, a suspended security), and only for the securities held on those days.
 */
async function closesMissing(
  deps: AgentDeps,
  request: DailyValuationRequest,
  ledger: LedgerIntervals,
  days: readonly ValuationDay[],
  held: readonly number[],
): Promise<Map<string, CarriedClose[]>> {
  const pairs = days.flatMap((day, i) =>
    day.priced < held[i] ? [...heldOn(ledger.holdings, day.date).keys()].map((symbol) => ({ date: day.date, symbol })) : [],
  );
  const gaps = new Map<string, CarriedClose[]>();
  for (const gap of await deps.marketData.carriedCloses(request, pairs)) {
    const ofDay = gaps.get(gap.date) ?? [];
    ofDay.push(gap);
    gaps.set(gap.date, ofDay);
  }
  return gaps;
}

/**
 * Throws what a day that cannot be valued fails with: the first held symbol (in ledger order) with
 * no close or no rate for its currency, else the first currency of the ledger without a rate.
 */
function failOn(date: string, missing: readonly string[], fx: FxConverter, ledger: LedgerIntervals): never {
  const held = heldOn(ledger.holdings, date);
  for (const symbol of ledger.symbols) {
    const holding = held.get(symbol);
    if (!holding) continue;
    if (missing.includes(symbol)) throw new CapabilityError('PRICE_MISSING', `no price for ${symbol} on or before ${date}`);
    fx.convert(holding.quantity, holding.currency);
  }
  for (const currency of ledger.currencies) fx.convert(0, currency);
  throw new Error(`valuation day ${date} has neither a missing price nor a missing rate`);
}

/**
 * The period asked for, its end no later than the pack's date (there are no prices after it).
 * With `fromInception`, it starts on the ledger's first trade date (the default start for an empty ledger).
 */
export function periodOf(args: Record<string, unknown>, ctx: RequestCtx, firstTradeDate?: string): { start: string; end: string } {
  const start = args.fromInception === true && firstTradeDate ? firstTradeDate : String(args.start ?? ctx.defaultStart);
  const asked = String(args.end ?? ctx.asofDate);
  return { start, end: asked > ctx.asofDate ? ctx.asofDate : asked };
}
