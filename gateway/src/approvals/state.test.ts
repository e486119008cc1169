import type { ApprovalEventRow } from '@airlock/clickhouse';
import { describe, expect, it } from 'vitest';
import { foldApproval } from './state.js';

const record = {
  call_id: 'c1', trace_id: 't1', kind: 'call', api: 'openai.chat', shape: 'openai', stream: false, mode: 'async',
  requester: { key_id: 'k_req', team: 'ops', user: 'req' }, workflow: null, reason: 'why', approver_role: 'approver',
  quorum: 1, expires_in_s: 3600, editable: false, policy_revision: 'r1', request_sha256: 'h', view: {}, arguments: null,
  callback_url: null, payload: null,
};

/** Events at whole seconds after 12:00:00 on the server's clock. */
function log(...events: [second: number, kind: string, node: string, data: Record<string, unknown>][]): ApprovalEventRow[] {
  return events.map(([second, kind, node, data], i) => ({
    tenant: 't', approval_id: 'apr_1', event_id: `${kind}_${i}`, at: `2026-01-01 12:00:${String(second).padStart(2, '0')}.000000`, kind, actor: 'x', node, data: JSON.stringify(data),
  }));
}
const at = (second: number) => Date.parse(`2026-01-01T12:00:${String(second).padStart(2, '0')}Z`);
const approved: Parameters<typeof log> = [
  [0, 'requested', 'gw_a', record],
  [1, 'vote', 'gw_b', { decision: 'approve', reason: 'ok', key_id: 'k_app', user: 'app', roles: ['approver'] }],
  [2, 'claim', 'gw_a', { claim_id: 'clm_a', lease_ms: 3000 }],
];

describe('the claim rule with execution records', () => {
  it('a claim that lapsed before sending anything is taken over', () => {
    const s = foldApproval(log(...approved, [6, 'claim', 'gw_b', { claim_id: 'clm_b', lease_ms: 3000 }]), at(7))!;
    expect(s).toMatchObject({ status: 'approved', claim: { id: 'clm_b', node: 'gw_b' }, started: null, interrupted: false });
  });

  it('a started call that may not repeat is interrupted once its lease lapses, and no later claim wins', () => {
    const events = log(...approved, [2, 'started', 'gw_a', { claim_id: 'clm_a', repeatable: false }], [6, 'claim', 'gw_b', { claim_id: 'clm_b', lease_ms: 3000 }]);
    expect(foldApproval(events, at(4))).toMatchObject({ status: 'approved', interrupted: false });
    expect(foldApproval(events, at(7))).toMatchObject({ status: 'approved', claim: { id: 'clm_a' }, interrupted: true });
    const reported = foldApproval([...events, ...log([8, 'failed', 'gw_b', { claim_id: 'clm_a', code: 'GW_ERR_APPROVAL_INTERRUPTED' }])], at(9));
    expect(reported).toMatchObject({ status: 'failed', interrupted: false });
  });

  it('a repeatable started call is taken over after its lease, the new claim starting afresh', () => {
    const s = foldApproval(log(...approved, [2, 'started', 'gw_a', { claim_id: 'clm_a', repeatable: true }], [6, 'claim', 'gw_b', { claim_id: 'clm_b', lease_ms: 3000 }]), at(7))!;
    expect(s).toMatchObject({ claim: { id: 'clm_b' }, started: null, interrupted: false });
  });

  it('an execution record of a claim that did not win, or came after its lease, counts for nothing', () => {
    const s = foldApproval(log(...approved, [3, 'started', 'gw_b', { claim_id: 'clm_other', repeatable: false }], [6, 'started', 'gw_a', { claim_id: 'clm_a', repeatable: false }]), at(9))!;
    expect(s).toMatchObject({ started: null, interrupted: false });
  });
});
