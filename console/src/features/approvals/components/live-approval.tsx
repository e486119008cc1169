'use client';
import type { ApprovalChange } from '@airlock/sdk';
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { duration } from '../format';
import { LIVE_TEXT, useApprovalChanges, useNow } from '../live';

/** Re-renders the held call's page when another approver votes or it ends, and counts down to its expiry. */
export function LiveApproval({ id, requestedAt, expiresAt, pending }: { id: string; requestedAt: string; expiresAt: string; pending: boolean }) {
  const router = useRouter();
  const onChange = useCallback((change: ApprovalChange) => {
    if (change.approval.approval_id === id) router.refresh();
  }, [id, router]);
  const live = useApprovalChanges(onChange);
  const now = useNow();
  const left = Date.parse(expiresAt) - now;
  return (
    <p className="notice" role="status" aria-label="Time left">
      Held for {duration(now - Date.parse(requestedAt))}
      {pending ? (left > 0 ? ` · expires in ${duration(left)}` : ' · expired') : ''} · <span className="mono">{LIVE_TEXT[live]}</span>
    </p>
  );
}
