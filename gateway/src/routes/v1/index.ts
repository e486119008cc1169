/**
 * The public API surface, in one place: every path a client can call.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiFormat } from '../../contracts/api.js';
import { ingress, type CallInit, type RouteDeps } from '../ingress.js';
import { approvalStatus } from './approvals.js';
import { listModels } from './models.js';
import { ingestTraces } from './traces.js';

/** A model route: every call on it is the same kind, so its description is one constant. */
function modelRoute(options: RouteDeps, api: ApiFormat) {
  const init: CallInit = { api, shape: api === 'anthropic.messages' ? 'anthropic' : 'openai', http: null };
  return ingress(options.model, () => init, options.deps.store);
}

export async function registerV1Routes(app: FastifyInstance, options: RouteDeps): Promise<void> {
  const anthropic = { shape: 'anthropic' as const };
  const openai = { shape: 'openai' as const };
  app.post('/v1/chat/completions', { config: openai }, modelRoute(options, 'openai.chat'));
  app.post('/v1/responses', { config: openai }, modelRoute(options, 'openai.responses'));
  app.post('/v1/embeddings', { config: openai }, modelRoute(options, 'openai.embeddings'));
  app.post('/v1/messages', { config: anthropic }, modelRoute(options, 'anthropic.messages'));
  app.get('/v1/models', { config: openai }, listModels(options));
  app.get('/v1/approvals/:id', { config: openai }, approvalStatus(options));
  // Only the OTLP route reads protobuf: a model route sent one still answers 415.
  await app.register(async (otlp) => {
    otlp.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    otlp.post('/v1/traces', { config: openai }, ingestTraces(options));
  });
}
