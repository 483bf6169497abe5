/**
 * What tenant ids, user ids and role lists may be. Pure: the use-cases check against the
 * database themselves.
 */
import { ROLES, type Role } from '../auth/roles';
import type { InputIssue } from '../shared/errors';
import { isOneLineText } from '../shared/one-line-text';

/**
 * A user id is a token's `sub`: letters, digits and `. _ @ | + -` (an email, `auth0|123`, a
 * UUID), starting with a letter or digit, at most 128 characters. No `:`, so no user can be
 * named like an operator in the audit log (`cli:<os user>`).
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@|+-]{0,127}$/;

/** A tenant id: letters, digits and `. _ -`, starting with a letter or digit, at most 64 characters. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Longest tenant name: a full company name fits. */
export const MAX_TENANT_NAME_LENGTH = 200;

/** Problems with a user id, at `path`. */
export function userIdIssues(userId: string, path = 'userId'): InputIssue[] {
  return USER_ID_PATTERN.test(userId)
    ? []
    : [{ path, message: 'must be 1–128 letters, digits or . _ @ | + -, starting with a letter or digit' }];
}

/** Problems with a tenant id, at `path`. */
export function tenantIdIssues(tenantId: string, path = 'tenantId'): InputIssue[] {
  return TENANT_ID_PATTERN.test(tenantId)
    ? []
    : [{ path, message: 'must be 1–64 letters, digits or . _ -, starting with a letter or digit' }];
}

/** Problems with a tenant's display name, at `path`. */
export function tenantNameIssues(name: string, path = 'name'): InputIssue[] {
  return isOneLineText(name, MAX_TENANT_NAME_LENGTH)
    ? []
    : [{ path, message: `must be 1–${MAX_TENANT_NAME_LENGTH} characters on one line` }];
}

/**
 * A role list as stored: at least one role, each one of ROLES, repeats dropped, in ROLES order
 * (so the same set always reads the same). Unknown roles are issues at `roles.<i>`.
 */
export function checkRoles(roles: readonly string[], path = 'roles'): { roles: Role[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  if (roles.length === 0) issues.push({ path, message: `at least one role of ${ROLES.join(', ')}` });
  roles.forEach((role, i) => {
    if (!(ROLES as readonly string[]).includes(role))
      issues.push({ path: `${path}.${i}`, message: `not a role; one of ${ROLES.join(', ')}` });
  });
  return { roles: ROLES.filter((role) => roles.includes(role)), issues };
}
