import type { DataHandle } from '../handle';

/** A tenant as operators create and see it. */
export interface TenantRecord {
  id: string;
  name: string;
  creditBalance: number;
  createdAt: Date;
}

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

  /** A new tenant with a zero balance; a taken id is a unique violation (see data/errors.ts). */
  async insert(tenant: { id: string; name: string }): Promise<TenantRecord> {
    const row = await this.db.prisma.tenant.create({
      data: { id: tenant.id, name: tenant.name },
      select: { id: true, name: true, creditBalance: true, createdAt: true },
    });
    return { ...row, creditBalance: Number(row.creditBalance) };
  }
}
