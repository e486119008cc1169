import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.js';
import { ACCESS, actingTenant, actorOf, allows, checkTenantName } from './access.js';

const who = (roles: string[], tenant = 'acme'): Principal => ({ keyId: 'k', tenant, team: 't', user: 'ann', roles });

describe('access', () => {
  it('a route allows its roles, and superadmin everything; gateway-wide routes only superadmin', () => {
    expect(allows(who(['analyst']), ACCESS.read)).toBe(true);
    expect(allows(who(['analyst']), ACCESS.keys)).toBe(false);
    expect(allows(who(['compliance']), ACCESS.audit)).toBe(true);
    expect(allows(who(['admin']), ACCESS.gateway)).toBe(false);
    expect(allows(who(['superadmin']), ACCESS.gateway)).toBe(true);
    expect(allows(who(['user']), ACCESS.read)).toBe(false);
  });

  it('a key acts in its own tenant; naming another needs superadmin, and says nothing about whether it exists', () => {
    expect(actingTenant(who(['admin']), undefined)).toEqual({ tenant: 'acme', crossed: false });
    expect(actingTenant(who(['admin']), 'acme')).toEqual({ tenant: 'acme', crossed: false });
    expect(() => actingTenant(who(['admin']), 'other')).toThrow(expect.objectContaining({ status: 403 }));
    expect(actingTenant(who(['superadmin']), 'other')).toEqual({ tenant: 'other', crossed: true });
  });

  it('tenant names are one printable word', () => {
    expect(checkTenantName('acme-eu.1', 'tenant')).toBe('acme-eu.1');
    for (const bad of ['', '../x', 'a b', 'a,b', '-x', 'x'.repeat(129)]) expect(() => checkTenantName(bad, 'tenant')).toThrow(expect.objectContaining({ status: 400, param: 'tenant' }));
    expect(actorOf(who(['admin']))).toBe('ann (k)');
  });
});
