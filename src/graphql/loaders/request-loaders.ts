import DataLoader from 'dataloader';
import type { ExecutionRecord, StepRecord } from '../../data/executions/execution-repository';
import type { FxRateRecord, PackPriceRecord, PricingPackRecord } from '../../data/packs/pack-repository';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import type { SecurityRecord } from '../../data/reference/security-repository';
import type { CompiledPattern } from '../../orchestrator/pattern-definition';
import type { GraphQLContext } from '../context';

type LoaderServices = Pick<GraphQLContext['services'], 'packs' | 'portfolios' | 'executions' | 'patterns' | 'securities'>;

/**
 * The lookups of one request, batched: every key asked for in the same tick — the children of a
 * whole page of parents, or all references of one `_entities` call — becomes one repository
 * query per kind, so a page of 50 packs with their prices costs what a page of one does. Tenant
 * data is loaded per tenant, so a loader can never answer one tenant with another's rows; child
 * rows (prices, steps) are asked for only under a parent already authorised.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<never, never>>();

  constructor(private readonly services: LoaderServices) {}

  pricingPack(id: string): Promise<PricingPackRecord | null> {
    return this.loader('pack', async (ids: readonly string[]) => byId(ids, await this.services.packs.findByIds(ids))).load(id);
  }

  packPrices(packId: string): Promise<PackPriceRecord[]> {
    return this.loader('packPrices', async (ids: readonly string[]) => grouped(ids, await this.services.packs.pricesOf(ids))).load(packId);
  }

  packFxRates(packId: string): Promise<FxRateRecord[]> {
    return this.loader('packFxRates', async (ids: readonly string[]) => grouped(ids, await this.services.packs.fxRatesOf(ids))).load(
      packId,
    );
  }

  portfolio(tenantId: string, id: string): Promise<PortfolioRecord | null> {
    return this.loader(`portfolio:${tenantId}`, async (ids: readonly string[]) =>
      byId(ids, await this.services.portfolios.findManyForTenant(tenantId, ids)),
    ).load(id);
  }

  execution(tenantId: string, id: string): Promise<ExecutionRecord | null> {
    return this.loader(`execution:${tenantId}`, async (ids: readonly string[]) =>
      byId(ids, await this.services.executions.findManyForTenant(tenantId, ids)),
    ).load(id);
  }

  executionSteps(executionId: string): Promise<StepRecord[]> {
    return this.loader('executionSteps', async (ids: readonly string[]) => grouped(ids, await this.services.executions.stepsOf(ids))).load(
      executionId,
    );
  }

  /** A stored pattern version (undefined for one never published); current and compiled ones come from memory. */
  patternVersion(patternId: string, version: string): Promise<CompiledPattern | undefined> {
    return this.loader(
      'patternVersion',
      (keys: readonly { patternId: string; version: string }[]) => this.services.patterns.versionsOf(keys),
      (key) => `${key.patternId}@${key.version}`,
    ).load({ patternId, version });
  }

  /** A registered security (shared reference data: no tenant), null for an unknown symbol. */
  security(symbol: string): Promise<SecurityRecord | null> {
    return this.loader('security', async (symbols: readonly string[]) => {
      const found = new Map((await this.services.securities.findBySymbols(symbols)).map((s) => [s.symbol, s]));
      return symbols.map((symbol) => found.get(symbol) ?? null);
    }).load(symbol);
  }

  private loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>, cacheKeyFn?: (key: K) => string): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V, unknown> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, unknown>(batch, cacheKeyFn ? { cacheKeyFn } : {});
      this.loaders.set(name, loader as unknown as DataLoader<never, never>);
    }
    return loader;
  }
}

const loadersByContext = new WeakMap<GraphQLContext, RequestLoaders>();

/** This request's loaders, made on first use: a new request (a new context) starts empty. */
export function loadersOf(context: GraphQLContext): RequestLoaders {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = new RequestLoaders(context.services);
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

/** DataLoader wants one answer per key, in the keys' order; a key nothing matched is null. */
function byId<V extends { id: string }>(ids: readonly string[], rows: V[]): (V | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

/** Each key's group, in the keys' order; a key without rows has none. */
function grouped<V>(ids: readonly string[], groups: Map<string, V[]>): V[][] {
  return ids.map((id) => groups.get(id) ?? []);
}
