import { HttpError, type Span } from '@airlock/sdk';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Waterfall } from '../../../../features/calls/components/waterfall';
import { LocalTime } from '../../../../components/ui/local-time';
import { requirePage } from '../../../../lib/gateway';

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export default async function CallPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { admin } = await requirePage('/calls');
  const detail = await admin.calls.get(id).catch((error: unknown) => {
    if (error instanceof HttpError && error.status === 404) notFound();
    throw error;
  });
  const { call } = detail;
  // The whole trace, when there is one: the agent's spans (steps) around the gateway's own.
  let spans: readonly Span[] = detail.spans;
  if (call.trace_id) spans = await admin.traces.get(call.trace_id).then((t) => t.spans, () => detail.spans);
  const pii = Object.entries(call.pii_counts ?? {}).filter(([, n]) => Number(n) > 0);
  return (
    <>
      <p>
        <Link href="/calls">← Calls</Link>
        {call.run_id ? (
          <>
            {' · '}
            <Link href={`/calls?run=${encodeURIComponent(call.run_id)}`}>this run&apos;s calls</Link>
          </>
        ) : null}
      </p>
      <h1>
        Call <span className="mono">{call.call_id}</span>
      </h1>
      <div className="grid">
        <section className="panel" aria-labelledby="what">
          <h2 id="what">What</h2>
          <dl className="kv">
            <dt>Time</dt>
            <dd><LocalTime value={call.received_at} /></dd>
            <dt>Caller</dt>
            <dd>{call.user} · {call.team} · key {call.key_id}</dd>
            <dt>Workflow</dt>
            <dd>{[call.workflow, call.run_id, call.step].filter(Boolean).join(' › ') || '—'}</dd>
            <dt>API</dt>
            <dd>{call.api}{Number(call.stream) ? ' (stream)' : ''}</dd>
            <dt>Model</dt>
            <dd>{call.requested_model} → {call.served_model || '—'} on {call.deployment || '—'}</dd>
            <dt>Status</dt>
            <dd><span className={`badge ${call.status >= 400 ? 'error' : 'ok'}`}>{call.status}</span> {call.error_code} {call.error_message}</dd>
            <dt>Latency</dt>
            <dd>{Math.round(Number(call.duration_ms))} ms (first byte {Math.round(Number(call.first_byte_ms))} ms), {call.attempts} attempt(s)</dd>
            <dt>Tokens · cost</dt>
            <dd>{String(call.input_tokens)} in · {String(call.output_tokens)} out · ${(Number(call.cost_micros) / 1e6).toFixed(6)}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="policy">
          <h2 id="policy">Policy</h2>
          <dl className="kv">
            <dt>Decision</dt>
            <dd>{call.decision || '—'}</dd>
            <dt>Reasons</dt>
            <dd>{call.decision_reasons?.length ? <ul>{call.decision_reasons.map((r) => <li key={r}>{r}</li>)}</ul> : '—'}</dd>
            <dt>Bundle revision</dt>
            <dd className="mono">{call.policy_revision || '—'}</dd>
            <dt>PII found</dt>
            <dd data-testid="pii">{pii.length ? pii.map(([t, n]) => `${t} ×${n}`).join(', ') : 'none'}</dd>
            <dt>Approval</dt>
            <dd>{call.approval_id || '—'}</dd>
          </dl>
        </section>
      </div>
      <section className="panel" aria-labelledby="trace">
        <h2 id="trace">Trace</h2>
        <Waterfall spans={spans} />
      </section>
      <section className="panel" aria-labelledby="bodies">
        <h2 id="bodies">Prompt and answer (as recorded, redacted)</h2>
        {detail.body ? (
          <div className="grid">
            <pre data-testid="request-body" style={{ whiteSpace: 'pre-wrap' }}>{pretty(detail.body.request_text)}</pre>
            <pre data-testid="response-body" style={{ whiteSpace: 'pre-wrap' }}>{pretty(detail.body.response_text)}</pre>
          </div>
        ) : (
          <p className="empty">No bodies are recorded for this call.</p>
        )}
      </section>
    </>
  );
}
