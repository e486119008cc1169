import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.js';
import { OtlpTracesSchema, otlpToSpans } from '../../telemetry/otlp.js';
import { ProtobufError, decodeTraceExport } from '../../telemetry/otlp-protobuf.js';
import type { RouteDeps } from '../ingress.js';

/** The protobuf body in its JSON form, so that one schema validates both encodings. */
function decodeBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body;
  try {
    return decodeTraceExport(body);
  } catch (error) {
    if (error instanceof ProtobufError) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid OTLP protobuf trace export: ${error.message}`);
    throw error;
  }
}

/**
 * POST /v1/traces — OTLP/HTTP traces from agents, JSON or protobuf, stored beside the gateway's own spans under the
 * caller's tenant. A protobuf export is answered in protobuf: an empty ExportTraceServiceResponse is zero bytes.
 */
export function ingestTraces(options: RouteDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await options.deps.authenticator.authenticate(request.headers);
    const protobuf = Buffer.isBuffer(request.body);
    const parsed = OtlpTracesSchema.safeParse(decodeBody(request.body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || '(body)';
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid OTLP trace export: \`${field}\`: ${issue.message}`, { param: field });
    }
    const spans = otlpToSpans(parsed.data, principal.tenant);
    if (!options.deps.store) throw new GatewayError('GW_ERR_NOT_FOUND', 'No trace store is configured (store.kind is none).');
    options.deps.store.recordSpans(spans);
    if (protobuf) return reply.type('application/x-protobuf').send(Buffer.alloc(0));
    return { partialSuccess: {} };
  };
}
