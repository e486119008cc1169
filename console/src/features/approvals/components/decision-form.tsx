'use client';
import { useActionState } from 'react';
import { decide, type DecisionState } from '../actions';

/** Approve or reject with a reason; the reason goes to the audit trail, and a rejection's to the waiting client. */
export function DecisionForm({ id }: { id: string }) {
  const [state, action, pending] = useActionState<DecisionState, FormData>(decide, { error: null, done: null });
  return (
    <form action={action} className="panel" aria-label="Decide">
      <input type="hidden" name="id" value={id} />
      <label>
        Reason
        <textarea name="reason" rows={3} required maxLength={2000} style={{ width: '100%' }} />
      </label>
      <div style={{ display: 'flex', gap: '0.6rem', marginTop: '0.6rem' }}>
        <button type="submit" name="decision" value="approve" disabled={pending}>
          Approve
        </button>
        <button type="submit" name="decision" value="reject" className="danger" disabled={pending}>
          Reject
        </button>
      </div>
      {state.error ? <p role="alert" className="error-state" style={{ padding: 0 }}>{state.error}</p> : null}
      {state.done ? <p className="notice" data-testid="decision-done">{state.done}</p> : null}
    </form>
  );
}
