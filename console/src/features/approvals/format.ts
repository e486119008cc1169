import type { ApprovalQueueRow } from '@airlock/sdk';

/** What kind of thing is held, in an approver's words. */
export function heldKind(row: Pick<ApprovalQueueRow, 'kind' | 'api'>): string {
  if (row.kind === 'tool_call') return "tool call in a model's answer";
  if (row.kind === 'call') return row.api === 'http' ? 'API call' : 'model call';
  return row.kind.replace(/[._]/g, ' ');
}

/** A duration as an approver reads it against an expiry: 45 s, 12 min, 3 h 5 min. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Four-eyes progress: approvals counted against the quorum the policy asked for. */
export const quorumText = (row: Pick<ApprovalQueueRow, 'quorum' | 'approvals'>): string => `${row.approvals} of ${row.quorum} approvals`;
