import type { CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import type { ValuationSeries } from './valuation-series';
import { runCutoff } from '../run-cutoff';

interface ValuedHolding {
  symbol: string;
  currency: string;
  marketValueBase: number | null;
}

interface Valuation {
  holdings: ValuedHolding[];
  cash: { currency: string; amountBase: number }[];
  totalValueBase: number;
}

interface Slice {
  key: string;
  valueBase: number;
  weight: number;
}

function slices(amounts: Map<string, number>, total: number): Slice[] {
  return [...amounts.entries()]
    .map(([key, valueBase]) => ({ key, valueBase, weight: total === 0 ? 0 : valueBase / total }))
    .sort((a, b) => b.valueBase - a.valueBase || a.key.localeCompare(b.key));
}

function add(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

/** charts.overview: allocation by asset class and by currency, and the value and return series. */
export const chartsCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const valuation = args.valuation as Valuation;
    const series = args.series as ValuationSeries | undefined;
    const returns = (args.returns as { date: string; cumulativeReturn: number }[] | undefined) ?? [];
    const securities = await deps.securities.findAsOfRun(
      valuation.holdings.map((h) => h.symbol),
      runCutoff(ctx),
    );
    const assetClassOf = new Map(securities.map((s) => [s.symbol, s.assetClass]));

    const byAssetClass = new Map<string, number>();
    const byCurrency = new Map<string, number>();
    for (const h of valuation.holdings) {
      if (h.marketValueBase === null) continue;
      add(byAssetClass, assetClassOf.get(h.symbol) ?? 'UNKNOWN', h.marketValueBase);
      add(byCurrency, h.currency, h.marketValueBase);
    }
    for (const c of valuation.cash) {
      add(byAssetClass, 'CASH', c.amountBase);
      add(byCurrency, c.currency, c.amountBase);
    }
    return {
      data: {
        baseCurrency: ctx.baseCurrency,
        allocationByAssetClass: slices(byAssetClass, valuation.totalValueBase),
        allocationByCurrency: slices(byCurrency, valuation.totalValueBase),
        valueSeries: (series?.points ?? []).map((p) => ({ date: p.date, value: p.value })),
        returnSeries: returns,
      },
      provenance: [{ source: 'Internal', asOf: ctx.asofDate, confidence: 1 }],
    };
  };
