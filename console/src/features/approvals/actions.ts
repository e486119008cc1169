'use server';
import { HttpError } from '@airlock/sdk';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requirePage } from '../../lib/gateway';

export interface DecisionState {
  readonly error: string | null;
  readonly done: string | null;
}

const DecisionSchema = z.object({
  id: z.string().regex(/^apr_[0-9a-f]{32}$/, 'That is not an approval id.'),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().min(1, 'Give a reason for the decision.').max(2000, 'Keep the reason under 2,000 characters.'),
});

/** One approver's vote on a held call, with the viewer's own key: the gateway decides whether it counts. */
export async function decide(_previous: DecisionState, form: FormData): Promise<DecisionState> {
  const parsed = DecisionSchema.safeParse({ id: form.get('id'), decision: form.get('decision'), reason: form.get('reason') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, done: null };
  const { id, decision, reason } = parsed.data;
  const { admin } = await requirePage('/approvals');
  try {
    const after = decision === 'approve' ? await admin.approvals.approve(id, { reason }) : await admin.approvals.reject(id, { reason });
    revalidatePath(`/approvals/${id}`);
    const counted = after.status !== 'pending' || after.approvals > 0;
    return { error: null, done: counted ? `Your ${decision === 'approve' ? 'approval' : 'rejection'} is recorded: the call is ${after.status}.` : 'Your vote was recorded.' };
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) return { error: error.message.replace(/^.*? answered \d+: /, ''), done: null };
    throw error;
  }
}
