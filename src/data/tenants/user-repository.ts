import type { DataHandle } from '../handle';

/** A user as the authenticator and the operators' tools see it. */
export interface UserRecord {
  id: string;
  tenantId: string;
  roles: string[];
}

/** Users of tenants: who a token's subject is, and what they may do. */
export class UserRepository {
  constructor(private readonly db: DataHandle) {}

  async findById(userId: string): Promise<UserRecord | null> {
    return this.db.prisma.user.findUnique({ where: { id: userId }, select: { id: true, tenantId: true, roles: true } });
  }

  /** The user, if they belong to the tenant: another tenant's user is as absent as a missing one. */
  async findInTenant(tenantId: string, userId: string): Promise<UserRecord | null> {
    return this.db.prisma.user.findFirst({ where: { id: userId, tenantId }, select: { id: true, tenantId: true, roles: true } });
  }
}
