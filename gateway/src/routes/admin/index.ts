/**
 * The admin API: an encapsulated plugin with its own authentication hook, so no admin route can forget it.
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors.js';
import type { StageDeps } from '../../pipeline/deps.js';
import { ADMIN_ROLE } from '../../auth/principal.js';

/** Roles that may read operational state (deployments, metrics). */
export const OPERATOR_ROLES: ReadonlySet<string> = new Set([ADMIN_ROLE, 'operator', 'analyst']);

export async function registerAdminRoutes(app: FastifyInstance, options: { deps: StageDeps }): Promise<void> {
  const { deps } = options;
  app.addHook('onRequest', async (request) => {
    const principal = await deps.authenticator.authenticate(request.headers);
    if (!principal.roles.some((r) => OPERATOR_ROLES.has(r))) {
      throw new GatewayError('GW_ERR_FORBIDDEN', 'This key may not use the admin API.');
    }
  });
  app.get('/admin/deployments', async () => ({ deployments: deps.router.health() }));
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(deps.metrics.registry.render()));
}
