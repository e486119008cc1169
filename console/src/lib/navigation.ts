/** The console's pages and the roles that may open them; the gateway refuses the rest anyway. */
export interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly roles: readonly string[];
}

const READERS = ['superadmin', 'admin', 'operator', 'analyst', 'compliance'];

export const NAV: readonly NavItem[] = [
  { href: '/calls', label: 'Calls', roles: READERS },
  { href: '/dashboards', label: 'Dashboards', roles: READERS },
  { href: '/process', label: 'Process map', roles: READERS },
  { href: '/bottlenecks', label: 'Bottlenecks', roles: READERS },
  { href: '/audit', label: 'Audit', roles: ['superadmin', 'admin', 'compliance'] },
  { href: '/approvals', label: 'Approvals', roles: ['superadmin', 'admin', 'operator', 'compliance', 'approver'] },
  { href: '/keys', label: 'Keys', roles: ['superadmin', 'admin'] },
  { href: '/deployments', label: 'Deployments', roles: ['superadmin'] },
];

export const canSee = (roles: readonly string[], item: NavItem): boolean => roles.some((r) => item.roles.includes(r));

export const navFor = (roles: readonly string[]): NavItem[] => NAV.filter((item) => canSee(roles, item));
