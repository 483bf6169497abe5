import type { DataHandle } from '../handle';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** A user as the authenticator and the operators' tools see it. */
export interface UserRecord {
  id: string;
  tenantId: string;
  roles: string[];
}

/** A user as their tenant's admins list them. */
export interface UserDetails extends UserRecord {
  createdAt: Date;
}

const DETAILS = { id: true, tenantId: true, roles: true, createdAt: true } as const;

/**
 * Users of tenants: who a token's subject is, and what they may do. A removed user keeps its row
 * (`removed_at`), so history keeps naming it and its id is never given to anyone else; every read
 * but `idTaken` treats it as absent.
 */
export class UserRepository {
  constructor(private readonly db: DataHandle) {}

  async findById(userId: string): Promise<UserRecord | null> {
    return this.db.prisma.user.findFirst({ where: { id: userId, removedAt: null }, select: { id: true, tenantId: true, roles: true } });
  }

  /** The user, if they belong to the tenant: another tenant's user is as absent as a missing one. */
  async findInTenant(tenantId: string, userId: string): Promise<UserRecord | null> {
    return this.db.prisma.user.findFirst({
      where: { id: userId, tenantId, removedAt: null },
      select: { id: true, tenantId: true, roles: true },
    });
  }

  /** Whether the id belongs to anyone, in any tenant, removed or not: ids are never reused. */
  async idTaken(userId: string): Promise<boolean> {
    return (await this.db.prisma.user.count({ where: { id: userId } })) > 0;
  }

  /** The tenant's users, by id. */
  async listForTenant(tenantId: string, request: PageRequest): Promise<Page<UserDetails>> {
    const size = pageSize(request.first);
    const after = request.after ? String(decodeCursor(request.after, 1)[0]) : undefined;
    const rows = await this.db.prisma.user.findMany({
      where: { tenantId, removedAt: null, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: size + 1,
      select: DETAILS,
    });
    return toPage(rows, size, (u) => encodeCursor([u.id]));
  }

  /**
   * Locks every current user of the tenant, in id order (so two lockers never deadlock), and
   * returns them as they are once the locks are held. Role changes and removals of one tenant
   * take this first: they then run one after the other, and each sees the others' outcome — two
   * admins demoting each other at once cannot both pass the "another admin remains" check.
   */
  async lockTenantUsers(tenantId: string): Promise<UserDetails[]> {
    await this.db.sql.query(`SELECT id FROM users WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY id FOR UPDATE`, [tenantId]);
    // A new statement, so a new snapshot under READ COMMITTED: it sees what the previous holders committed.
    return this.db.prisma.user.findMany({ where: { tenantId, removedAt: null }, orderBy: { id: 'asc' }, select: DETAILS });
  }

  async insert(user: { id: string; tenantId: string; roles: readonly string[] }): Promise<UserDetails> {
    return this.db.prisma.user.create({ data: { id: user.id, tenantId: user.tenantId, roles: [...user.roles] }, select: DETAILS });
  }

  async setRoles(userId: string, roles: readonly string[]): Promise<UserDetails> {
    return this.db.prisma.user.update({ where: { id: userId }, data: { roles: [...roles] }, select: DETAILS });
  }

  /** Marks the user removed; the row stays (see the class comment). */
  async markRemoved(userId: string): Promise<UserDetails> {
    return this.db.prisma.user.update({ where: { id: userId }, data: { removedAt: new Date() }, select: DETAILS });
  }
}
