import type { PrismaClient } from '../../generated/prisma/client';

export class TenantRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async creditBalance(tenantId: string): Promise<number> {
    const tenant = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { creditBalance: true } });
    return tenant ? tenant.creditBalance.toNumber() : 0;
  }
}
