/**
 * ANY /api/:system/* — bot and tool HTTP calls to systems registered in the config. They run through the API
 * pipeline (pipeline/stages.ts): authenticated, scanned, policed, forwarded with the credentials the gateway holds
 * (the caller's own Authorization never leaves the gateway) and recorded.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingress, type CallInit, type RouteDeps } from './ingress.js';

type ApiRequest = FastifyRequest<{ Params: { system: string; '*'?: string } }>;

function describe(request: FastifyRequest): CallInit {
  const { params, url, method } = request as ApiRequest;
  const q = url.indexOf('?');
  return { api: 'http', shape: 'openai', http: { system: params.system, method, path: '/' + (params['*'] ?? '') + (q >= 0 ? url.slice(q) : '') } };
}

export async function registerApiProxy(app: FastifyInstance, options: RouteDeps): Promise<void> {
  // Bodies of any type are forwarded as they came.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const handler = ingress(options.api, describe, options.deps.store);
  app.all('/api/:system/*', handler);
  app.all('/api/:system', handler);
}
