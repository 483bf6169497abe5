import { LRUCache } from 'lru-cache';
import type { UserRepository } from '../data/tenants/user-repository';
import { unauthenticated } from '../shared/errors';
import { ROLES, type Role, type Viewer } from './roles';
import { bearerToken, type TokenVerifier } from './token-verifier';

// Users are looked up on every request; a short cache spares the database without letting a
// removed user or a changed role linger for long.
const USER_CACHE_TTL_MS = 5_000;

/** Authorization header → Viewer (or undefined for an anonymous call). */
export class Authenticator {
  private readonly cache: LRUCache<string, Viewer | false>;

  constructor(
    private readonly verify: TokenVerifier,
    private readonly users: Pick<UserRepository, 'findById'>,
    cacheTtlMs = USER_CACHE_TTL_MS,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: cacheTtlMs, ttlAutopurge: false });
  }

  async authenticate(authorization: string | undefined): Promise<Viewer | undefined> {
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    const { subject } = await this.verify(token);
    const viewer = await this.loadUser(subject);
    if (!viewer) throw unauthenticated('The token names no known user');
    return viewer;
  }

  /** Drops the cached copy of the user: their next request reads their roles, or their removal, anew. */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  private async loadUser(userId: string): Promise<Viewer | undefined> {
    const cached = this.cache.get(userId);
    if (cached !== undefined) return cached || undefined;
    const row = await this.users.findById(userId);
    const viewer: Viewer | false = row
      ? Object.freeze({ userId: row.id, tenantId: row.tenantId, roles: Object.freeze(row.roles.filter(isRole)) })
      : false;
    this.cache.set(userId, viewer);
    return viewer || undefined;
  }
}

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}
