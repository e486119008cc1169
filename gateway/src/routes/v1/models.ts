import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../ingress.js';

/** GET /v1/models in OpenAI's list shape; aliases are listed as models too, since clients may call them. */
export function listModels(options: RouteDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    await options.deps.authenticator.authenticate(request.headers);
    const created = Math.floor(Date.now() / 1000);
    const data = [...options.deps.config.models.entries()]
      .map(([id, route]) => ({ id, object: 'model', created, owned_by: route.ownedBy }))
      .sort((a, b) => a.id.localeCompare(b.id));
    return { object: 'list', data };
  };
}
