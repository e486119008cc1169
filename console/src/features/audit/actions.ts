'use server';
import { HttpError, type AuditVerifyResult } from '@airlock/sdk';
import { z } from 'zod';
import { requirePage } from '../../lib/gateway';

export interface VerifyState {
  readonly result: AuditVerifyResult | null;
  /** Checked against checkpoints the viewer supplied, rather than the gateway's own. */
  readonly external: boolean;
  readonly error: string | null;
}

const VerifySchema = z.object({ checkpoints: z.string().trim(), public_key: z.string().trim() });

/** Verifies the tenant's audit chain: against the gateway's own checkpoints, or pasted ones (kept elsewhere). */
export async function verifyAudit(_previous: VerifyState, form: FormData): Promise<VerifyState> {
  const { checkpoints, public_key } = VerifySchema.parse({ checkpoints: form.get('checkpoints') ?? '', public_key: form.get('public_key') ?? '' });
  const { admin } = await requirePage('/audit');
  try {
    const result = checkpoints ? await admin.audit.verify({ checkpoints, ...(public_key ? { public_key } : {}) }) : await admin.audit.verify();
    return { result, external: Boolean(checkpoints), error: null };
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) return { result: null, external: Boolean(checkpoints), error: error.message.replace(/^.*? answered \d+: /, '') };
    throw error;
  }
}
