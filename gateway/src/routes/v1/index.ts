/**
 * The public API surface, in one place: every path a client can call.
 */
import type { FastifyInstance } from 'fastify';
import { createModelHandler, type ModelCallDeps } from '../model-call.js';
import { listModels } from './models.js';
import { ingestTraces } from './traces.js';

export async function registerV1Routes(app: FastifyInstance, options: ModelCallDeps): Promise<void> {
  const anthropic = { shape: 'anthropic' as const };
  const openai = { shape: 'openai' as const };
  app.post('/v1/chat/completions', { config: openai }, createModelHandler('openai.chat', options));
  app.post('/v1/responses', { config: openai }, createModelHandler('openai.responses', options));
  app.post('/v1/embeddings', { config: openai }, createModelHandler('openai.embeddings', options));
  app.post('/v1/messages', { config: anthropic }, createModelHandler('anthropic.messages', options));
  app.get('/v1/models', { config: openai }, listModels(options));
  // Only the OTLP route reads protobuf: a model route sent one still answers 415.
  await app.register(async (otlp) => {
    otlp.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    otlp.post('/v1/traces', { config: openai }, ingestTraces(options));
  });
}
