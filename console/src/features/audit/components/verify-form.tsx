'use client';
import { useActionState } from 'react';
import { verifyAudit, type VerifyState } from '../actions';

export function VerifyForm() {
  const [state, action, pending] = useActionState<VerifyState, FormData>(verifyAudit, { result: null, external: false, error: null });
  const r = state.result;
  return (
    <form action={action} className="panel" aria-label="Verify the audit chain">
      <details>
        <summary>Check against checkpoints kept elsewhere (optional)</summary>
        <label>
          Checkpoints (JSON lines, as shipped)
          <textarea name="checkpoints" rows={4} spellCheck={false} className="mono" />
        </label>
        <label>
          Public key (PEM) they must be signed with
          <textarea name="public_key" rows={3} spellCheck={false} className="mono" />
        </label>
      </details>
      <p>
        <button type="submit" disabled={pending}>
          {pending ? 'Verifying…' : 'Verify the chain'}
        </button>
      </p>
      {state.error ? (
        <p role="alert" className="error-state" style={{ padding: 0 }}>
          {state.error}
        </p>
      ) : null}
      {r ? (
        <div role="status" aria-label="Verification result" className={`notice ${r.ok ? 'ok' : 'broken'}`}>
          <strong>{r.ok ? 'Chain intact' : `Chain broken at entry ${r.firstBroken?.seq ?? '?'}: ${r.firstBroken?.reason ?? 'unknown reason'}`}</strong>
          <dl className="kv">
            <dt>Tenant</dt>
            <dd>{r.tenant}</dd>
            <dt>Entries</dt>
            <dd>{r.entries}</dd>
            <dt>Head</dt>
            <dd className="mono">{r.head ? `#${r.head.seq} ${r.head.hash}` : '—'}</dd>
            <dt>Seals (HMAC)</dt>
            <dd>{r.sealed ? 'checked' : 'not checked'}</dd>
            <dt>{state.external ? 'Supplied checkpoints' : 'Checkpoints'}</dt>
            <dd>
              {r.checkpoints.checked} checked{r.checkpoints.latest ? `, latest at #${r.checkpoints.latest.seq}` : ''}
              {r.checkpoints.unanchored ? `, ${r.checkpoints.unanchored} entries after the latest` : ''}
            </dd>
          </dl>
        </div>
      ) : null}
    </form>
  );
}
