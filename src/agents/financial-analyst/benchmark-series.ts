import { CapabilityError, type ArgumentIssue, type CapabilityCall, type CapabilityFn, type RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { FxConverter } from './fx';
import { periodOf } from './valuation-series';

/** One valuation day of a benchmark: its close in its currency and in base at that day's pack rate. */
export interface BenchmarkPoint {
  date: string;
  close: number;
  valueBase: number;
}

/** A benchmark security's closes over a period, from the same packs as the portfolio's valuation series. */
export interface BenchmarkSeries {
  symbol: string;
  currency: string;
  start: string;
  end: string;
  points: BenchmarkPoint[];
}

/**
 * pricing.benchmark_series: a security's daily closes over [start, end] from the packs of the
 * run's policy (the ones pricing.valuation_series values the portfolio with), converted to the
 * base currency at each day's rate. A close missing on a day carries the previous one forward
 * (reported); none on the first day fails the step (PRICE_MISSING).
 */
export const benchmarkSeriesCapability = (deps: AgentDeps): CapabilityFn =>
  Object.assign(
    async ({ ctx, args }: CapabilityCall) => {
      const { start, end } = periodOf(args, ctx);
      const symbol = String(args.symbol);
      const market = await deps.marketData.dailySeries({
        policy: ctx.policy,
        start,
        end,
        symbols: [symbol],
        publishedBy: new Date(ctx.pricingPackCreatedAt),
      });
      if (market.dates.length < 2) throw new CapabilityError('NOT_ENOUGH_PACKS', `fewer than two usable packs between ${start} and ${end}`);
      let last: { close: number; currency: string } | undefined;
      let carried = 0;
      const sources = new Set<string>();
      const points: BenchmarkPoint[] = market.dates.map((date) => {
        const row = market.prices.get(date)!.get(symbol);
        if (row) {
          last = { close: row.close, currency: row.currency };
          sources.add(row.source);
        } else carried++;
        if (!last)
          throw new CapabilityError('PRICE_MISSING', `no price for the benchmark ${symbol} on ${date}, the first day of the period`);
        const fx = new FxConverter(
          new Map([...market.fx.get(date)!.values()].map((r) => [r.currency, r.rate])),
          ctx.packBaseCurrency,
          ctx.baseCurrency,
        );
        return { date, close: last.close, valueBase: fx.convert(last.close, last.currency) };
      });
      const series: BenchmarkSeries = {
        symbol,
        currency: last!.currency,
        start: market.dates[0],
        end: market.dates[market.dates.length - 1],
        points,
      };
      const confidence = 1 - carried / points.length;
      return {
        data: series,
        provenance: [...sources].map((source) => ({ source, asOf: series.end, confidence })),
        warnings:
          carried > 0
            ? [
                {
                  code: 'PRICE_CARRIED_FORWARD',
                  message: `no price for the benchmark ${symbol} on some days; the previous close was carried forward`,
                  symbol,
                },
              ]
            : [],
      };
    },
    {
      checkArgs: (args: Record<string, unknown>, ctx: RequestCtx): ArgumentIssue[] => {
        const { start, end } = periodOf(args, ctx);
        return start >= end
          ? [{ arg: 'start', message: `the period must start before it ends, and by the pack's date ${ctx.asofDate} (${start} .. ${end})` }]
          : [];
      },
    },
  );
