'use client';
import type { ApprovalChange, ApprovalQueueRow } from '@airlock/sdk';
import Link from 'next/link';
import { useCallback, useState } from 'react';
import { LocalTime } from '../../../components/ui/local-time';
import { duration, heldKind, quorumText } from '../format';
import { LIVE_TEXT, useApprovalChanges, useNow } from '../live';

function upsert(rows: readonly ApprovalQueueRow[], row: ApprovalQueueRow): ApprovalQueueRow[] {
  return [row, ...rows.filter((r) => r.approval_id !== row.approval_id)];
}

/** A pending hold that has passed its expiry is expired, even before the gateway's next poll says so. */
const statusAt = (row: ApprovalQueueRow, now: number): string => (row.status === 'pending' && Date.parse(row.expires_at) <= now ? 'expired' : row.status);

/**
 * The approver's live queue: pending holds, oldest first, each with its age against its expiry and its four-eyes
 * progress; changes (a new hold, a vote, a decision, an expiry) arrive over SSE and move rows without a reload.
 */
export function ApprovalQueue({ initial }: { initial: readonly ApprovalQueueRow[] }) {
  const [rows, setRows] = useState<readonly ApprovalQueueRow[]>(initial);
  const onChange = useCallback((change: ApprovalChange) => setRows((current) => upsert(current, change.approval)), []);
  const live = useApprovalChanges(onChange);
  const now = useNow();
  const pending = rows.filter((r) => statusAt(r, now) === 'pending').sort((a, b) => Date.parse(a.requested_at) - Date.parse(b.requested_at));
  const decided = rows.filter((r) => statusAt(r, now) !== 'pending');
  return (
    <>
      <p role="status" aria-label="Queue connection" className={`badge ${live === 'live' ? 'ok' : live === 'reconnecting' ? 'error' : ''}`}>
        {LIVE_TEXT[live]}
      </p>
      <h2>Waiting for a decision ({pending.length})</h2>
      {pending.length === 0 ? (
        <p className="empty">Nothing is waiting for approval.</p>
      ) : (
        <QueueTable label="Pending approvals" rows={pending} now={now} />
      )}
      <h2>Decided</h2>
      {decided.length === 0 ? <p className="empty">No decisions yet.</p> : <QueueTable label="Decided approvals" rows={decided} now={now} />}
    </>
  );
}

function QueueTable({ label, rows, now }: { label: string; rows: readonly ApprovalQueueRow[]; now: number }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Held</th>
          <th scope="col">Why (policy)</th>
          <th scope="col">Requester</th>
          <th scope="col">Workflow</th>
          <th scope="col">Four eyes</th>
          <th scope="col">Age / expiry</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const status = statusAt(r, now);
          const left = Date.parse(r.expires_at) - now;
          return (
            <tr key={r.approval_id} data-approval={r.approval_id}>
              <td>
                <Link href={`/approvals/${r.approval_id}`} aria-label={`Review ${r.approval_id}`}>
                  {heldKind(r)}
                </Link>
                <div className="mono">{r.api}</div>
              </td>
              <td>{r.reason}</td>
              <td>
                {r.user} · {r.team}
              </td>
              <td>{r.workflow ? `${r.workflow.id} · ${r.workflow.run} · ${r.workflow.step}` : '—'}</td>
              <td>
                <progress max={r.quorum} value={r.approvals} aria-label={`Four eyes: ${quorumText(r)}`} /> {quorumText(r)}
                <div className="mono">role {r.approver_role}</div>
              </td>
              <td>
                <span data-testid="age">{duration(now - Date.parse(r.requested_at))} old</span>
                <div>
                  {status === 'pending' ? (
                    <span className={left < 5 * 60_000 ? 'badge error' : 'badge'}>expires in {duration(left)}</span>
                  ) : (
                    <LocalTime value={r.requested_at} />
                  )}
                </div>
              </td>
              <td>
                <span className={`badge ${status === 'rejected' || status === 'expired' || status === 'failed' ? 'error' : status === 'pending' ? '' : 'ok'}`}>{status}</span>
                {r.decision_reason ? <div>“{r.decision_reason}”</div> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
