import type { FlowTiming } from '../analytics';
import type { LedgerRepository } from '../data/ledger/ledger-repository';
import type { MarketData } from '../data/packs/market-data';
import type { NewsRepository } from '../data/news/news-repository';
import type { SecurityRepository } from '../data/reference/security-repository';

/**
 * The conventions that differ between sources of return math: the server's defaults, chosen in
 * config; a run may choose its own (pattern inputs), and every result records the ones it used.
 */
export interface ReturnConventions {
  flowTiming: FlowTiming;
  /** Days per year when annualising a period return (365: calendar, as XIRR; 252: trading days). */
  annualizationDays: number;
  /** Return periods per year for volatility and Sharpe; null: from the valuation series' observed spacing. */
  riskPeriodsPerYear: number | null;
}

/**
 * What the agents read from: the ledger, the packs' market data, reference data and news, and the
 * return conventions chosen in config.
 */
export interface AgentDeps {
  ledger: LedgerRepository;
  marketData: MarketData;
  securities: SecurityRepository;
  news: NewsRepository;
  conventions: ReturnConventions;
}
