/** Roles from least to most trusted; each includes what the ones before it may do. */
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each capability needs. Checked on the server for commands, buttons and views alike. */
export const REQUIRED_ROLE = {
  /** status, list, explain, watches */
  view: 'viewer',
  /** pause, resume, retry, bandwidth, sync events, watch */
  operate: 'operator',
  /** ask for a new migration (it still needs an approver) */
  create: 'operator',
  /** approve or reject someone else's request */
  approve: 'approver',
  /** delete or cancel */
  delete: 'admin',
  /** connections, access, settings */
  manage: 'admin',
} as const satisfies Record<string, Role>;
export type Capability = keyof typeof REQUIRED_ROLE;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAllows(role: Role, capability: Capability): boolean {
  return roleRank(role) >= roleRank(REQUIRED_ROLE[capability]);
}

export function higherRole(a: Role, b: Role): Role {
  return roleRank(a) >= roleRank(b) ? a : b;
}
