/**
 * Request bodies, validated at the edge. Only the fields the gateway itself relies on are checked here; the rest
 * passes through untouched, so new provider parameters keep working without a gateway release.
 */
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { ApiFormat } from '../providers/provider.js';

const role = z.object({ role: z.string().min(1) }).loose();

const stream = z.boolean().optional();

export const REQUEST_SCHEMAS: Record<ApiFormat, z.ZodType<Record<string, unknown>>> = {
  'openai.chat': z
    .object({
      model: z.string().min(1),
      messages: z.array(role).min(1),
      stream,
      stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
      tools: z.array(z.object({ type: z.string() }).loose()).optional(),
    })
    .loose(),
  'openai.responses': z
    .object({ model: z.string().min(1), input: z.union([z.string(), z.array(z.unknown())]), stream })
    .loose(),
  'openai.embeddings': z
    .object({
      model: z.string().min(1),
      input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
    })
    .loose(),
  'anthropic.messages': z
    .object({
      model: z.string().min(1),
      messages: z.array(role).min(1),
      max_tokens: z.number().int().positive(),
      stream,
      tools: z.array(z.object({ name: z.string() }).loose()).optional(),
    })
    .loose(),
};

/** Parses a body or throws a 400 that names the offending field. */
export function parseRequestBody(format: ApiFormat, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', 'The request body must be a JSON object.');
  }
  const result = REQUEST_SCHEMAS[format].safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || '(body)';
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${field}\`: ${issue.message}`, { param: field });
}
