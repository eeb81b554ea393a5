export const ROLES = ['viewer', 'operator', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what needs at least `needed` (viewer < operator < manager < admin). */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
