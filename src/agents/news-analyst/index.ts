import type { Positions } from '../../ledger/positions';
import type { Agent, CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { runCutoff } from '../run-cutoff';

const DEFAULT_PER_SYMBOL = 3;

/**
 * news.headlines: the latest headlines for the holdings, published by the end of the as-of
 * day and written by the run's cut-off — so a rerun on the same pack and ledger commit sees the
 * same news, whatever arrived since, even backdated.
 */
const headlinesCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const positions = args.positions as Positions;
    const perSymbol = typeof args.perSymbol === 'number' ? Math.max(1, Math.min(20, Math.floor(args.perSymbol))) : DEFAULT_PER_SYMBOL;
    const items = await deps.news.headlines(
      positions.holdings.map((h) => h.symbol),
      ctx.asofDate,
      perSymbol,
      runCutoff(ctx),
    );
    return {
      data: {
        asOf: ctx.asofDate,
        items: items.map((n) => ({
          symbol: n.symbol,
          headline: n.headline,
          url: n.url,
          publishedAt: new Date(n.publishedAt).toISOString(),
          source: n.source,
        })),
      },
      provenance: [...new Set(items.map((n) => n.source).concat('NewsAPI'))].map((source) => ({
        source,
        asOf: ctx.asofDate,
        confidence: 1,
      })),
    };
  };

/** news_analyst: headlines about what a portfolio holds. */
export function newsAnalyst(deps: AgentDeps): Agent {
  return { name: 'news_analyst', capabilities: { 'news.headlines': headlinesCapability(deps) } };
}
