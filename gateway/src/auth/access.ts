/**
 * The tenant model of the admin API: who may do what, and in which tenant.
 *
 * Every key belongs to one tenant and acts only there: it reads and changes that tenant's calls, keys and audit
 * trail and nothing else, whatever a body or query says. Only the `superadmin` role (the bootstrap key holds it)
 * crosses tenants, by naming the target with the `x-airlock-tenant` header or `?tenant=`; every such request is an
 * audit entry in the target tenant's trail. State every tenant shares (deployments, Prometheus metrics, the policy
 * bundle) is the gateway operator's, so it is superadmin-only too: its counters add up every tenant's traffic.
 */
import { GatewayError } from '../errors.js';
import type { Principal } from './principal.js';

export const SUPERADMIN_ROLE = 'superadmin';
export const ADMIN_ROLE = 'admin';
/** Decides held calls (approvals/): a decision names the role its approvers must hold, `approver` by default. */
export const APPROVER_ROLE = 'approver';

/** The roles the admin API knows. Keys may carry other roles too: policies see every role a key holds. */
export const ROLES = [SUPERADMIN_ROLE, ADMIN_ROLE, 'operator', 'analyst', 'compliance', APPROVER_ROLE, 'user'] as const;
export type Role = (typeof ROLES)[number];

export interface Access {
  /** `tenant`: acts in one tenant's data; `gateway`: reads or changes what every tenant shares. */
  readonly scope: 'tenant' | 'gateway';
  /** Roles that may use the route besides superadmin, which may use every route. */
  readonly roles: readonly Role[];
}

/** The kinds of access admin routes declare, so that each route's guard is one word in its declaration. */
export const ACCESS = {
  /** Calls, runs, traces, analytics and policy evaluation. */
  read: { scope: 'tenant', roles: [ADMIN_ROLE, 'operator', 'analyst', 'compliance'] },
  /** Who the key is: every role with any admin access asks it (the console signs approvers in with it too). */
  self: { scope: 'tenant', roles: [ADMIN_ROLE, 'operator', 'analyst', 'compliance', APPROVER_ROLE] },
  keys: { scope: 'tenant', roles: [ADMIN_ROLE] },
  audit: { scope: 'tenant', roles: [ADMIN_ROLE, 'compliance'] },
  /** Approving MCP servers' tool definitions (pinning). */
  mcp: { scope: 'tenant', roles: [ADMIN_ROLE] },
  gateway: { scope: 'gateway', roles: [] },
  /** The approval queue and its held calls (redacted). */
  approvals: { scope: 'tenant', roles: [ADMIN_ROLE, 'operator', 'compliance', APPROVER_ROLE] },
  /**
   * Deciding: an approver key, which must also hold the role the decision names (checked per approval). A
   * superadmin passes this gate but decides only with that role too: crossing tenants is no licence to approve.
   */
  decide: { scope: 'tenant', roles: [APPROVER_ROLE] },
} as const satisfies Record<string, Access>;

export const TENANT_HEADER = 'x-airlock-tenant';

/** Tenant names as keys carry them: one printable word, no separators that could read as a path or a list. */
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export const isSuperadmin = (p: Principal): boolean => p.roles.includes(SUPERADMIN_ROLE);

export function allows(p: Principal, access: Access): boolean {
  return isSuperadmin(p) || p.roles.some((r) => (access.roles as readonly string[]).includes(r));
}

export function checkTenantName(name: string, where: string): string {
  if (!TENANT_NAME.test(name)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${where}\`: a tenant name is a letter or digit followed by up to 127 of [A-Za-z0-9_.:@-].`, { param: where });
  }
  return name;
}

/**
 * The tenant a request acts in: the key's own, unless it names another, which only a superadmin may.
 * A refusal says nothing about whether the named tenant exists.
 */
export function actingTenant(p: Principal, named: string | undefined): { tenant: string; crossed: boolean } {
  if (named === undefined || named === p.tenant) return { tenant: p.tenant, crossed: false };
  if (!isSuperadmin(p)) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `This key acts only in its own tenant; acting in another needs the ${SUPERADMIN_ROLE} role.`);
  }
  return { tenant: named, crossed: true };
}

/** Who did it, as audit entries name the actor. */
export const actorOf = (p: Principal): string => `${p.user} (${p.keyId})`;
