/** Every role a user may hold; a role stored for a user that is not listed here is ignored. */
export const ROLES = ['viewer', 'analyst', 'admin', 'service'] as const;
/** A role the GraphQL layer's permission rules grant fields by. */
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the token's subject against the users table. */
export interface Viewer {
  userId: string;
  tenantId: string;
  roles: readonly Role[];
}

/** Whether the caller holds at least one of the roles; an anonymous caller (no viewer) holds none. */
export function hasAnyRole(viewer: Viewer | undefined, roles: readonly Role[]): boolean {
  return viewer !== undefined && viewer.roles.some((role) => roles.includes(role));
}
