import { HttpError, type ApprovalDetail } from '@airlock/sdk';
import Link from 'next/link';
import { LocalTime } from '../../../../components/ui/local-time';
import { DecisionForm } from '../../../../features/approvals/components/decision-form';
import { LiveApproval } from '../../../../features/approvals/components/live-approval';
import { heldKind, quorumText } from '../../../../features/approvals/format';
import { requirePage } from '../../../../lib/gateway';

export const dynamic = 'force-dynamic';

/** The held action itself: a model's tool call (name and arguments), or the request as it would go out. */
function HeldAction({ approval }: { approval: ApprovalDetail }) {
  const view = (approval.request ?? {}) as { tool_call?: { name?: string; arguments?: unknown }; method?: string; system?: string; path?: string; body?: unknown; model?: string; request?: unknown };
  if (view.tool_call) {
    return (
      <section aria-label="Held tool call" className="panel">
        <h2 style={{ marginTop: 0 }}>
          Tool call <code data-testid="tool-name">{view.tool_call.name}</code>
          {view.model ? <span className="badge"> from {view.model}</span> : null}
        </h2>
        <pre data-testid="held-request">{JSON.stringify(view.tool_call.arguments, null, 2)}</pre>
      </section>
    );
  }
  if (view.method) {
    return (
      <section aria-label="Held API call" className="panel">
        <h2 style={{ marginTop: 0 }}>
          <code>
            {view.method} {view.system} {String(view.path ?? '')}
          </code>
        </h2>
        <pre data-testid="held-request">{typeof view.body === 'string' ? view.body : JSON.stringify(view.body, null, 2)}</pre>
      </section>
    );
  }
  return (
    <section aria-label="Held request" className="panel">
      <h2 style={{ marginTop: 0 }}>Request{view.model ? ` to ${view.model}` : ''}</h2>
      <pre data-testid="held-request">{JSON.stringify(view.request ?? view, null, 2)}</pre>
    </section>
  );
}

export default async function ApprovalPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { admin, me } = await requirePage('/approvals');
  let approval: ApprovalDetail;
  try {
    approval = await admin.approvals.get(id);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 400)) {
      return (
        <p className="error-state" role="alert">
          No approval {id} in this tenant. <Link href="/approvals">Back to the queue</Link>
        </p>
      );
    }
    throw error;
  }
  const pending = approval.status === 'pending';
  const mayDecide = me.roles.includes(approval.approver_role);
  const requester = approval.requester as { user?: string; team?: string; key_id?: string };
  return (
    <>
      <p>
        <Link href="/approvals">← Approvals</Link>
      </p>
      <h1>
        {heldKind(approval)} held: <span data-testid="approval-status" className={`badge ${approval.status === 'rejected' || approval.status === 'expired' || approval.status === 'failed' ? 'error' : pending ? '' : 'ok'}`}>{approval.status}</span>
      </h1>
      <LiveApproval id={approval.approval_id} requestedAt={approval.requested_at} expiresAt={approval.expires_at} pending={pending} />
      <dl className="kv panel">
        <dt>Why (policy)</dt>
        <dd data-testid="hold-reason">{approval.reason}</dd>
        <dt>Four eyes</dt>
        <dd>
          <progress max={approval.quorum} value={approval.approvals} /> <span data-testid="quorum">{quorumText(approval)}</span> · approver role <code>{approval.approver_role}</code>
        </dd>
        <dt>Requester</dt>
        <dd data-testid="requester">
          {requester.user} · {requester.team} · <span className="mono">{requester.key_id}</span>
        </dd>
        <dt>Workflow</dt>
        <dd>{approval.workflow ? `${approval.workflow.id} · run ${approval.workflow.run} · step ${approval.workflow.step}` : '—'}</dd>
        <dt>Call</dt>
        <dd className="mono">
          <Link href={`/calls/${approval.call_id}`}>{approval.call_id}</Link> · {approval.api} · {approval.mode === 'wait' ? 'the client is waiting' : 'the client collects the result later'}
        </dd>
        <dt>Requested</dt>
        <dd>
          <LocalTime value={approval.requested_at} />
        </dd>
        <dt>Expires</dt>
        <dd>
          <LocalTime value={approval.expires_at} />
        </dd>
        <dt>Policy revision</dt>
        <dd className="mono">{approval.policy_revision}</dd>
        {approval.decision_reason ? (
          <>
            <dt>Decision</dt>
            <dd data-testid="decision-reason">{approval.decision_reason}</dd>
          </>
        ) : null}
      </dl>
      <HeldAction approval={approval} />
      <h2>Votes</h2>
      {approval.votes.length === 0 ? (
        <p className="empty">No votes yet.</p>
      ) : (
        <ol aria-label="Votes">
          {approval.votes.map((v) => (
            <li key={`${v.approver}-${v.at}`}>
              <strong>{v.decision === 'approve' ? 'Approved' : 'Rejected'}</strong> by {v.approver} at <LocalTime value={v.at} />: “{v.reason}”{v.edited ? ' (edited the arguments)' : ''}
            </li>
          ))}
        </ol>
      )}
      {pending ? (
        mayDecide ? (
          <DecisionForm id={approval.approval_id} />
        ) : (
          <p className="notice">Deciding this call needs the {approval.approver_role} role; your roles are {me.roles.join(', ')}.</p>
        )
      ) : null}
    </>
  );
}
