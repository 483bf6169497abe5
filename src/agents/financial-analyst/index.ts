import type { Agent } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { applyPackCapability } from './apply-pack';
import { cashFlowsCapability } from './cash-flows';
import { chartsCapability } from './charts';
import { concentrationCapability } from './concentration';
import { currencyAttributionCapability } from './currency-attribution';
import { holdingsDetailCapability } from './holdings-detail';
import { benchmarkSeriesCapability } from './benchmark-series';
import {
  benchmarkComparisonCapability,
  drawdownsCapability,
  mwrCapability,
  performancePeriodsCapability,
  riskCapability,
  twrCapability,
} from './metrics';
import { positionsCapability } from './positions';
import { valuationSeriesCapability } from './valuation-series';

/** financial_analyst: ledger, valuation, return and risk math, chart data. */
export function financialAnalyst(deps: AgentDeps): Agent {
  return {
    name: 'financial_analyst',
    capabilities: {
      'ledger.positions': positionsCapability(deps),
      'pricing.apply_pack': applyPackCapability(deps),
      'pricing.valuation_series': valuationSeriesCapability(deps),
      'metrics.compute_twr': twrCapability(deps),
      'metrics.compute_mwr': mwrCapability(),
      'metrics.risk': riskCapability(deps),
      'charts.overview': chartsCapability(deps),
      'attribution.currency': currencyAttributionCapability(),
      'holdings.detail': holdingsDetailCapability(deps),
      'metrics.drawdowns': drawdownsCapability(deps),
      'metrics.concentration': concentrationCapability(deps),
      'ledger.cash_flows': cashFlowsCapability(deps),
      'metrics.performance_periods': performancePeriodsCapability(deps),
      'pricing.benchmark_series': benchmarkSeriesCapability(deps),
      'metrics.benchmark_comparison': benchmarkComparisonCapability(deps),
    },
  };
}
