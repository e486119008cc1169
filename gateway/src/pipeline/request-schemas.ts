/**
 * Request bodies, validated at the edge. Every field the gateway, its translations or its policy input read is
 * typed here, so a wrong type is a 400 naming the field instead of a crash further in; fields the gateway does not
 * know pass through untouched, so new provider parameters keep working without a gateway release. The schemas also
 * describe each API's fields for the PII tests, which seed every string field they list.
 */
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { ApiFormat } from '../providers/provider.js';

const int = z.number().int();
const num = z.number();
const stream = z.boolean().nullish();
const stringMap = z.record(z.string(), z.string());
/** A JSON schema (tool parameters, structured output): an object, checked no further. */
const jsonSchema = z.record(z.string(), z.unknown());
const stop = z.union([z.string(), z.array(z.string())]).nullish();

/** A content part or block: a typed object; text, when present, is a string. */
const part = z.object({ type: z.string(), text: z.string().optional() }).loose();

const chatPart = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    image_url: z.object({ url: z.string(), detail: z.string().optional() }).loose().optional(),
    input_audio: z.object({ data: z.string(), format: z.string() }).loose().optional(),
    file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }).loose().optional(),
    refusal: z.string().optional(),
  })
  .loose();

const chatToolCall = z
  .object({ id: z.string().optional(), type: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string().optional() }).loose() })
  .loose();

const chatMessage = z
  .object({
    role: z.string().min(1),
    content: z.union([z.string(), z.array(chatPart)]).nullish(),
    name: z.string().optional(),
    tool_calls: z.array(chatToolCall).optional(),
    tool_call_id: z.string().optional(),
    refusal: z.string().nullish(),
  })
  .loose();

const chatTool = z
  .object({
    type: z.string(),
    function: z.object({ name: z.string(), description: z.string().optional(), parameters: jsonSchema.optional(), strict: z.boolean().nullish() }).loose().optional(),
  })
  .loose();

const toolChoice = z.union([z.string(), z.object({ type: z.string() }).loose()]).nullish();

const responsesItem = z
  .object({
    type: z.string().optional(),
    role: z.string().optional(),
    content: z.union([z.string(), z.array(part)]).optional(),
    name: z.string().optional(),
    call_id: z.string().optional(),
    arguments: z.string().optional(),
    output: z.union([z.string(), z.array(part)]).optional(),
  })
  .loose();

const responsesTool = z
  .object({ type: z.string(), name: z.string().optional(), description: z.string().nullish(), parameters: jsonSchema.nullish(), strict: z.boolean().nullish() })
  .loose();

const anthropicBlock = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    id: z.string().optional(),
    name: z.string().optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    tool_use_id: z.string().optional(),
    content: z.union([z.string(), z.array(part)]).optional(),
    source: z.object({ type: z.string(), media_type: z.string().optional(), data: z.string().optional(), url: z.string().optional() }).loose().optional(),
    title: z.string().nullish(),
    context: z.string().nullish(),
    thinking: z.string().optional(),
  })
  .loose();

const anthropicTool = z
  .object({ name: z.string(), description: z.string().optional(), input_schema: jsonSchema.optional(), type: z.string().optional() })
  .loose();

export const REQUEST_SCHEMAS = {
  'openai.chat': z
    .object({
      model: z.string().min(1),
      messages: z.array(chatMessage).min(1),
      stream,
      stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
      tools: z.array(chatTool).optional(),
      tool_choice: toolChoice,
      parallel_tool_calls: z.boolean().nullish(),
      max_tokens: int.nonnegative().nullish(),
      max_completion_tokens: int.nonnegative().nullish(),
      temperature: num.nullish(),
      top_p: num.nullish(),
      n: int.positive().nullish(),
      seed: int.nullish(),
      presence_penalty: num.nullish(),
      frequency_penalty: num.nullish(),
      logprobs: z.boolean().nullish(),
      top_logprobs: int.nonnegative().nullish(),
      stop,
      user: z.string().optional(),
      safety_identifier: z.string().optional(),
      prompt_cache_key: z.string().optional(),
      metadata: stringMap.nullish(),
      response_format: z.object({ type: z.string(), json_schema: z.object({ name: z.string(), description: z.string().optional(), schema: jsonSchema.optional() }).loose().optional() }).loose().nullish(),
      reasoning_effort: z.string().nullish(),
      service_tier: z.string().nullish(),
      store: z.boolean().nullish(),
      prediction: z.object({ type: z.string(), content: z.union([z.string(), z.array(part)]) }).loose().nullish(),
    })
    .loose(),
  'openai.responses': z
    .object({
      model: z.string().min(1),
      input: z.union([z.string(), z.array(responsesItem)]),
      instructions: z.string().nullish(),
      stream,
      tools: z.array(responsesTool).optional(),
      tool_choice: toolChoice,
      parallel_tool_calls: z.boolean().nullish(),
      max_output_tokens: int.nonnegative().nullish(),
      temperature: num.nullish(),
      top_p: num.nullish(),
      user: z.string().optional(),
      safety_identifier: z.string().optional(),
      prompt_cache_key: z.string().optional(),
      metadata: stringMap.nullish(),
      previous_response_id: z.string().nullish(),
      store: z.boolean().nullish(),
      text: z.object({ format: z.object({ type: z.string(), name: z.string().optional(), description: z.string().optional(), schema: jsonSchema.optional() }).loose().optional() }).loose().nullish(),
      reasoning: z.object({ effort: z.string().nullish(), summary: z.string().nullish() }).loose().nullish(),
    })
    .loose(),
  'openai.embeddings': z
    .object({
      model: z.string().min(1),
      input: z.union([z.string(), z.array(z.string()), z.array(int), z.array(z.array(int))]),
      encoding_format: z.enum(['float', 'base64']).optional(),
      dimensions: int.positive().optional(),
      user: z.string().optional(),
      // Not an embeddings parameter, but the policy input reads `tools` on every API.
      tools: z.array(chatTool).optional(),
    })
    .loose(),
  'anthropic.messages': z
    .object({
      model: z.string().min(1),
      messages: z.array(z.object({ role: z.string().min(1), content: z.union([z.string(), z.array(anthropicBlock)]) }).loose()).min(1),
      max_tokens: int.positive(),
      system: z.union([z.string(), z.array(part)]).optional(),
      stream,
      tools: z.array(anthropicTool).optional(),
      tool_choice: z.object({ type: z.string(), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() }).loose().optional(),
      metadata: z.object({ user_id: z.string().nullish() }).loose().optional(),
      stop_sequences: z.array(z.string()).optional(),
      temperature: num.optional(),
      top_p: num.optional(),
      top_k: int.nonnegative().optional(),
      thinking: z.object({ type: z.string(), budget_tokens: int.optional() }).loose().optional(),
      service_tier: z.string().optional(),
    })
    .loose(),
} satisfies Record<ApiFormat, z.ZodType<Record<string, unknown>>>;

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
