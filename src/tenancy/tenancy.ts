import type { DataLayer, Repositories } from '../data/data-layer';
import { isUniqueViolation } from '../data/errors';
import type { TenantRecord } from '../data/tenants/tenant-repository';
import type { UserDetails } from '../data/tenants/user-repository';
import type { Actor } from '../shared/actor';
import { AppError, badInput, type InputIssue } from '../shared/errors';
import { checkRoles, tenantIdIssues, tenantNameIssues, userIdIssues } from './tenancy-rules';
import { UserChanges } from './user-changes';

/** Largest opening balance an operator may give a new tenant, as for a grant. */
const MAX_OPENING_CREDITS = 1_000_000_000;

/** A new tenant as an operator asks for it. */
export interface CreateTenantInput {
  tenantId: string;
  /** Display name; the id when absent. */
  name?: string | null;
  /** Opening credit balance, recorded as a GRANT; none when absent or 0. */
  credits?: number | null;
}

/** Which user, in which tenant: the tenant is the admin's own, or (operators) the user's. */
export interface UserTarget {
  tenantId: string;
  userId: string;
}

/**
 * Tenants and their users: the use-cases behind the admin mutations (createUser, setUserRoles,
 * removeUser) and the operators' CLIs (tenant:create, user:create, user:roles, user:remove).
 * Every change commits with its audit entry. A tenant keeps at least one admin: the last one can
 * be neither demoted nor removed, by anyone — the tenant's users are locked first, so concurrent
 * changes cannot both pass that check.
 */
export class Tenancy {
  constructor(
    private readonly data: DataLayer,
    private readonly changes: UserChanges = new UserChanges(),
  ) {}

  async createTenant(actor: Actor, input: CreateTenantInput): Promise<TenantRecord> {
    const name = (input.name ?? input.tenantId).trim();
    const credits = input.credits ?? 0;
    const issues = [...tenantIdIssues(input.tenantId), ...tenantNameIssues(name)];
    if (!Number.isFinite(credits) || credits < 0 || credits > MAX_OPENING_CREDITS || Math.round(credits * 1e4) !== credits * 1e4) {
      issues.push({ path: 'credits', message: `must be from 0 to ${MAX_OPENING_CREDITS}, at most 4 decimal places` });
    }
    if (issues.length > 0) throw invalid('The tenant is invalid', issues);
    try {
      return await this.data.transaction(async (tx) => {
        if (await tx.tenants.exists(input.tenantId)) throw tenantTaken(input.tenantId);
        const tenant = await tx.tenants.insert({ id: input.tenantId, name });
        await audit(tx, actor, input.tenantId, 'tenant.create', `tenant:${tenant.id}`, { name, credits });
        if (credits === 0) return tenant;
        const grant = await tx.credits.grant({ tenantId: tenant.id, amount: credits, actorId: actor.userId, reason: 'opening balance' });
        await audit(tx, actor, input.tenantId, 'credits.grant', `tenant:${tenant.id}`, {
          amount: credits,
          reason: 'opening balance',
          balanceAfter: grant.balanceAfter,
        });
        return { ...tenant, creditBalance: grant.balanceAfter };
      });
    } catch (error) {
      // Another operator created it meanwhile.
      throw isUniqueViolation(error) ? tenantTaken(input.tenantId) : error;
    }
  }

  /**
   * A new user of the tenant. User ids are global (a token names only its user), and ids of
   * removed users are never given again: a taken id is refused without saying where it is used.
   */
  async createUser(actor: Actor, input: UserTarget & { roles: readonly string[] }): Promise<UserDetails> {
    const checked = checkRoles(input.roles);
    const issues = [...userIdIssues(input.userId), ...checked.issues];
    if (issues.length > 0) throw invalid('The user is invalid', issues);
    try {
      return await this.data.transaction(async (tx) => {
        if (!(await tx.tenants.exists(input.tenantId)))
          throw new AppError('NOT_FOUND', `No tenant ${input.tenantId}`, { tenantId: input.tenantId });
        if (await tx.users.idTaken(input.userId)) throw userIdTaken(input.userId);
        const user = await tx.users.insert({ id: input.userId, tenantId: input.tenantId, roles: checked.roles });
        await audit(tx, actor, input.tenantId, 'user.create', `user:${user.id}`, { roles: user.roles });
        return user;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? userIdTaken(input.userId) : error;
    }
  }

  /** Replaces the user's roles. Taking admin from the tenant's last admin is refused. */
  async setUserRoles(actor: Actor, target: UserTarget, roles: readonly string[]): Promise<UserDetails> {
    const checked = checkRoles(roles);
    if (checked.issues.length > 0) throw invalid('The roles are invalid', checked.issues);
    const outcome = await this.data.transaction(async (tx) => {
      const { user, admins } = await lockedTarget(tx, target);
      if (sameRoles(user.roles, checked.roles)) return { user, changed: false };
      if (user.roles.includes('admin') && !checked.roles.includes('admin') && admins === 1) {
        throw lastAdmin(target, 'roles', 'cannot lose the admin role');
      }
      const updated = await tx.users.setRoles(user.id, checked.roles);
      await audit(tx, actor, target.tenantId, 'user.setRoles', `user:${user.id}`, { from: user.roles, to: updated.roles });
      return { user: updated, changed: true };
    });
    if (outcome.changed) this.changes.notify(target.userId);
    return outcome.user;
  }

  /**
   * Removes the user: they can no longer sign in, their live WebSockets close, and their id stays
   * in history (executions, ledger commits, the audit log) and is never reused. The tenant's last
   * admin cannot be removed.
   */
  async removeUser(actor: Actor, target: UserTarget): Promise<UserDetails> {
    const removed = await this.data.transaction(async (tx) => {
      const { user, admins } = await lockedTarget(tx, target);
      if (user.roles.includes('admin') && admins === 1) throw lastAdmin(target, 'userId', 'cannot be removed');
      const marked = await tx.users.markRemoved(user.id);
      await audit(tx, actor, target.tenantId, 'user.remove', `user:${user.id}`, { roles: user.roles });
      return marked;
    });
    this.changes.notify(target.userId);
    return removed;
  }
}

/** The target among the tenant's users, all locked; another tenant's user is as missing as an unknown one. */
async function lockedTarget(tx: Repositories, target: UserTarget): Promise<{ user: UserDetails; admins: number }> {
  const users = await tx.users.lockTenantUsers(target.tenantId);
  const user = users.find((u) => u.id === target.userId);
  if (!user) throw new AppError('NOT_FOUND', `No user ${target.userId}`, { userId: target.userId });
  return { user, admins: users.filter((u) => u.roles.includes('admin')).length };
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

function lastAdmin(target: UserTarget, path: string, refusal: string): AppError {
  return badInput(`${target.userId} is the last admin of tenant ${target.tenantId} and ${refusal}: make another user admin first`, [
    { path, message: 'the last admin of the tenant' },
  ]);
}

function userIdTaken(userId: string): AppError {
  return badInput(`The user id ${userId} is not available`, [{ path: 'userId', message: 'not available' }]);
}

function tenantTaken(tenantId: string): AppError {
  return badInput(`A tenant ${tenantId} already exists`, [{ path: 'tenantId', message: 'already exists' }]);
}

function invalid(message: string, issues: InputIssue[]): AppError {
  return badInput(`${message}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
}

async function audit(tx: Repositories, actor: Actor, tenantId: string, action: string, resource: string, changes: unknown): Promise<void> {
  await tx.audit.append({
    actorId: actor.userId,
    tenantId,
    action,
    resource,
    changes,
    result: 'OK',
    traceId: actor.traceId,
    requestId: actor.requestId,
  });
}
