/**
 * What `data.airlock.decision` must evaluate to. The gateway validates every decision with this schema; a decision
 * that does not match is treated like an engine error (fail closed unless the bundle says fail_open).
 */
import { z } from 'zod';
import { EntityTypeSchema } from './policy-input.js';

export const REDACTION_MODES = ['mask', 'placeholder', 'hash', 'drop'] as const;

export const HoldSchema = z
  .object({
    reason: z.string().min(1),
    approver_role: z.string().min(1),
    quorum: z.number().int().min(1).default(1),
    expires_in_s: z.number().int().positive().default(3600),
    editable: z.boolean().default(false).describe('Approvers may change the held call\'s arguments (the edit is shown and audited)'),
  })
  .strict();

export const PolicyDecisionSchema = z
  .object({
    allow: z.boolean(),
    deny: z.array(z.string()).default([]).describe('Reasons; any reason means the call is refused'),
    hold: HoldSchema.nullable().default(null).describe('When set (and not denied), the call waits for approval'),
    redact: z
      .object({
        entities: z.array(EntityTypeSchema),
        mode: z.enum(REDACTION_MODES),
        modes: z.record(EntityTypeSchema, z.enum(REDACTION_MODES)).optional().describe('Per-type overrides of mode'),
        output: z.boolean().optional().describe('Also redact PII the model writes in its response'),
        on_unsafe_stream: z.enum(['block', 'pass']).optional(),
      })
      .strict()
      .nullable()
      .default(null),
    route: z
      .object({ model: z.string().min(1), fallbacks: z.array(z.string()).default([]) })
      .strict()
      .nullable()
      .default(null)
      .describe('Overrides the model; the trace keeps requested and served model'),
    labels: z.record(z.string(), z.string()).default({}).describe('Free key/values recorded on the trace'),
  })
  .strict();

export type PolicyDecision = z.infer<typeof PolicyDecisionSchema>;
export type Hold = z.infer<typeof HoldSchema>;
