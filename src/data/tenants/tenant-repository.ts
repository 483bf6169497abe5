import type { DataHandle } from '../handle';

/** Tenants: the accounts that own portfolios, users and a credit balance. */
export class TenantRepository {
  constructor(private readonly db: DataHandle) {}

  async exists(tenantId: string): Promise<boolean> {
    return (await this.db.prisma.tenant.count({ where: { id: tenantId } })) > 0;
  }

  /** Whether the database holds any tenant at all (the demo seed fills only an empty one). */
  async any(): Promise<boolean> {
    return (await this.db.prisma.tenant.count()) > 0;
  }
}
