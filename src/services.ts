import type { Config } from './config';
import type { Database } from './db/database';
import { PackRepository } from './data/packs/pack-repository';
import { PortfolioRepository } from './data/portfolios/portfolio-repository';
import { TenantRepository } from './data/tenants/tenant-repository';
import { PackHealthHub } from './events/pack-health-hub';
import { PackBuilder } from './packs/pack-builder';
import type { RightsRegistry } from './rights/rights-registry';

/** The use-cases and read models the API calls; built once per process. */
export interface Services {
  config: Config;
  packs: PackRepository;
  packBuilder: PackBuilder;
  packHealth: PackHealthHub;
  portfolios: PortfolioRepository;
  tenants: TenantRepository;
  rights: RightsRegistry;
}

export function createServices(config: Config, db: Database, rights: RightsRegistry): Services {
  const packs = new PackRepository(db.prisma);
  return {
    config,
    packs,
    packBuilder: new PackBuilder(db.prisma),
    packHealth: new PackHealthHub(db, packs, config.packWarmingEtaMs),
    portfolios: new PortfolioRepository(db.prisma),
    tenants: new TenantRepository(db.prisma),
    rights,
  };
}
