import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.js';
import { OtlpTracesSchema, otlpToSpans } from '../../telemetry/otlp.js';
import type { ModelCallDeps } from '../model-call.js';

/** POST /v1/traces — OTLP/HTTP JSON from agents, stored beside the gateway's own spans under the caller's tenant. */
export function ingestTraces(options: ModelCallDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await options.deps.authenticator.authenticate(request.headers);
    const parsed = OtlpTracesSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || '(body)';
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid OTLP trace export: \`${field}\`: ${issue.message}`, { param: field });
    }
    const spans = otlpToSpans(parsed.data, principal.tenant);
    if (!options.deps.store) throw new GatewayError('GW_ERR_NOT_FOUND', 'No trace store is configured (store.kind is none).');
    options.deps.store.recordSpans(spans);
    return { partialSuccess: {} };
  };
}
