export const ROLES = ['viewer', 'analyst', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the token's subject against the users table. */
export interface Viewer {
  userId: string;
  tenantId: string;
  roles: readonly Role[];
}

export function hasAnyRole(viewer: Viewer | undefined, roles: readonly Role[]): boolean {
  return viewer !== undefined && viewer.roles.some((role) => roles.includes(role));
}
