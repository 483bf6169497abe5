import DataLoader from 'dataloader';
import type { ExecutionRecord } from '../../data/executions/execution-repository';
import type { PricingPackRecord } from '../../data/packs/pack-repository';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import type { Services } from '../../services';
import type { GraphQLContext } from '../context';

type EntityServices = Pick<Services, 'packs' | 'portfolios' | 'executions'>;

/**
 * The entity lookups of one request, batched: every reference of a type asked for in the same
 * tick (all of one `_entities` call) becomes one repository query. Tenant data is loaded per
 * tenant, so a loader can never answer one tenant with another's rows.
 */
export class EntityLoaders {
  private packs?: DataLoader<string, PricingPackRecord | null>;
  private readonly portfolios = new Map<string, DataLoader<string, PortfolioRecord | null>>();
  private readonly executions = new Map<string, DataLoader<string, ExecutionRecord | null>>();

  constructor(private readonly services: EntityServices) {}

  pricingPack(id: string): Promise<PricingPackRecord | null> {
    this.packs ??= new DataLoader(async (ids) => inKeyOrder(ids, await this.services.packs.findByIds(ids)));
    return this.packs.load(id);
  }

  portfolio(tenantId: string, id: string): Promise<PortfolioRecord | null> {
    return perTenant(this.portfolios, tenantId, (ids) => this.services.portfolios.findManyForTenant(tenantId, ids)).load(id);
  }

  execution(tenantId: string, id: string): Promise<ExecutionRecord | null> {
    return perTenant(this.executions, tenantId, (ids) => this.services.executions.findManyForTenant(tenantId, ids)).load(id);
  }
}

const loadersByContext = new WeakMap<GraphQLContext, EntityLoaders>();

/** This request's loaders, made on first use: a new request (a new context) starts empty. */
export function entityLoaders(context: GraphQLContext): EntityLoaders {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = new EntityLoaders(context.services);
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

function perTenant<V extends { id: string }>(
  loaders: Map<string, DataLoader<string, V | null>>,
  tenantId: string,
  findMany: (ids: readonly string[]) => Promise<V[]>,
): DataLoader<string, V | null> {
  let loader = loaders.get(tenantId);
  if (!loader) {
    loader = new DataLoader(async (ids) => inKeyOrder(ids, await findMany(ids)));
    loaders.set(tenantId, loader);
  }
  return loader;
}

/** DataLoader wants one answer per key, in the keys' order; a key nothing matched is null. */
function inKeyOrder<V extends { id: string }>(ids: readonly string[], rows: V[]): (V | null)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
