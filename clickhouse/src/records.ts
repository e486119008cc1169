/**
 * What the gateway writes, validated once at the store's boundary. Field names are the column names.
 */
import { z } from 'zod';

export const CallRowSchema = z
  .object({
    tenant: z.string(),
    received_at: z.string(),
    call_id: z.string().min(1),
    team: z.string(),
    user: z.string(),
    key_id: z.string(),
    workflow: z.string(),
    run_id: z.string(),
    step: z.string(),
    trace_id: z.string(),
    api: z.string(),
    provider: z.string(),
    deployment: z.string(),
    requested_model: z.string(),
    served_model: z.string(),
    stream: z.boolean(),
    status: z.number().int().min(0).max(999),
    error_code: z.string(),
    error_message: z.string(),
    first_byte_ms: z.number(),
    duration_ms: z.number(),
    input_tokens: z.number().int().min(0),
    output_tokens: z.number().int().min(0),
    cached_input_tokens: z.number().int().min(0),
    cost_micros: z.number().int().min(0),
    attempts: z.number().int().min(0).max(255),
    decision: z.string(),
    decision_reasons: z.array(z.string()),
    policy_revision: z.string(),
    pii_counts: z.record(z.string(), z.number().int().min(0)),
    approval_id: z.string(),
    labels: z.record(z.string(), z.string()),
  })
  .strict();
export type CallRow = z.infer<typeof CallRowSchema>;

export const SpanRowSchema = z
  .object({
    tenant: z.string(),
    start_time: z.string(),
    trace_id: z.string().min(1),
    span_id: z.string().min(1),
    parent_span_id: z.string(),
    call_id: z.string(),
    name: z.string(),
    kind: z.string(),
    duration_ms: z.number(),
    status_code: z.enum(['UNSET', 'OK', 'ERROR']),
    status_message: z.string(),
    attributes: z.record(z.string(), z.string()),
  })
  .strict();
export type SpanRow = z.infer<typeof SpanRowSchema>;

export const BodyRowSchema = z
  .object({ tenant: z.string(), received_at: z.string(), call_id: z.string(), request_text: z.string(), response_text: z.string() })
  .strict();
export type BodyRow = z.infer<typeof BodyRowSchema>;
