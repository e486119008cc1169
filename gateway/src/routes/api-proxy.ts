/**
 * ANY /api/:system/* — bot and tool HTTP calls to systems registered in the config. They pass through the same
 * pipeline as model calls (authenticated, policed, recorded), then @fastify/reply-from forwards them with the
 * credentials the gateway holds; the caller's own Authorization never leaves the gateway.
 */
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, renderError } from '../errors.js';
import { createCallContext } from '../pipeline/call-context.js';
import { finishPipeline, runPipeline } from '../pipeline/run-pipeline.js';
import { callHeaders, clientAbortSignal, type ModelCallDeps } from './model-call.js';

const HOP_HEADERS = ['authorization', 'x-api-key', 'host', 'connection', 'content-length'];

export async function registerApiProxy(app: FastifyInstance, options: ModelCallDeps): Promise<void> {
  await app.register(replyFrom, { undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 } });
  // Bodies of any type are forwarded as they came.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const handler = async (request: FastifyRequest<{ Params: { system: string; '*': string } }>, reply: FastifyReply) => {
    const signal = clientAbortSignal(reply);
    const ctx = createCallContext({ api: 'http', shape: 'openai', headers: request.headers, signal, rawBody: request.body });
    try {
      const system = options.deps.config.systems.get(request.params.system);
      if (!system) throw new GatewayError('GW_ERR_NOT_FOUND', `Unknown system \`${request.params.system}\`.`);
      if (!system.methods.has(request.method)) {
        throw new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed on system \`${system.name}\`.`);
      }
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      ctx.target = { system, method: request.method, path: '/' + request.params['*'] + query };
      await runPipeline(options.stages, ctx, options.deps);
    } catch (error) {
      const ge = error instanceof GatewayError ? error : new GatewayError('GW_ERR_INTERNAL', 'Internal gateway error.', { cause: error });
      ctx.error = { code: ge.code, message: ge.message, status: ge.status };
      void finishPipeline(options.stages, ctx, options.deps);
      return reply.code(ge.status).headers(callHeaders(ctx)).send(renderError(ge, 'openai'));
    }
    const target = ctx.target!;
    reply.headers(callHeaders(ctx));
    reply.raw.once('close', () => void finishPipeline(options.stages, ctx, options.deps));
    return reply.from(target.system.baseUrl + target.path, {
      rewriteRequestHeaders: (_req, headers) => {
        const out: Record<string, string | string[] | undefined> = { ...headers };
        for (const h of HOP_HEADERS) delete out[h];
        for (const h of Object.keys(out)) if (h.startsWith('x-airlock-')) delete out[h];
        return { ...out, ...target.system.headers };
      },
      onError: (_reply, { error }) => {
        const ge = new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', `system \`${target.system.name}\` is unreachable: ${error.message}`);
        ctx.error = { code: ge.code, message: ge.message, status: ge.status };
        reply.code(ge.status).send(renderError(ge, 'openai'));
      },
    });
  };
  app.all('/api/:system/*', handler);
  app.all('/api/:system', handler);
}
