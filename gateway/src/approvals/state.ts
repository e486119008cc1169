/**
 * What an approval is now: a pure fold over its events in (at, event_id) order. Every replica that reads the same
 * rows computes the same state, which is what lets gateways that share only a ClickHouse server agree without
 * transactions (README, "Approvals across replicas"):
 *
 * - A vote counts only while the approval is pending and before it expires (by the server's clock), from a key that
 *   is not the requester's, holds the approver role and has not voted yet. One counted rejection rejects; `quorum`
 *   counted approvals approve. An edit (an approval that changes the arguments) restarts the count at its own vote:
 *   the others approved something else.
 * - The first claim after approval wins; a later claim wins only once the winner's lease has run out without a
 *   renewal or an outcome — and only if the winner had not started sending the call, or the call may be sent again
 *   (`started` says so: a system that honours idempotency keys, or nothing sent upstream at all). A call started
 *   and not repeatable whose lease ran out is `interrupted`: nobody sends it again, and the first replica to see it
 *   records it failed. The first outcome (executed, failed) ends it.
 */
import type { ApprovalEventRow } from '@airlock/clickhouse';
import { z } from 'zod';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'executed', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<ApprovalStatus> = new Set(['rejected', 'expired', 'executed', 'failed']);

/** The `requested` event's data: the approval record. */
export const ApprovalRecordSchema = z.object({
  call_id: z.string(),
  trace_id: z.string(),
  /** What is held: a request before it goes out (`call`), or another holder's kind (a model's answer, an MCP tool call). */
  kind: z.string(),
  api: z.string(),
  shape: z.enum(['openai', 'anthropic', 'mcp']),
  stream: z.boolean(),
  mode: z.enum(['wait', 'async']),
  requester: z.object({ key_id: z.string(), team: z.string(), user: z.string() }),
  workflow: z.object({ id: z.string(), run: z.string(), step: z.string() }).nullable(),
  reason: z.string(),
  approver_role: z.string(),
  quorum: z.number().int().min(1),
  expires_in_s: z.number().int().positive(),
  editable: z.boolean(),
  policy_revision: z.string(),
  /** SHA-256 of the normalised request the approval is bound to. */
  request_sha256: z.string(),
  /** The held call as an approver may see it: redacted text only. */
  view: z.record(z.string(), z.unknown()),
  /** What can be edited (the arguments), as the approver sees them; null: nothing editable. */
  arguments: z.record(z.string(), z.unknown()).nullable(),
  callback_url: z.string().nullable(),
  /** The suspended call (pipeline/suspend.ts), sealed: what runs once approved. */
  payload: z.unknown(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecordSchema>;

export interface Vote {
  readonly at: string;
  readonly actor: string;
  readonly key_id: string;
  readonly user: string;
  readonly decision: 'approve' | 'reject';
  readonly reason: string;
  /** The arguments as edited by this vote, if it edited them. */
  readonly arguments?: Record<string, unknown>;
}

export interface ApprovalState {
  readonly id: string;
  readonly tenant: string;
  readonly status: ApprovalStatus;
  readonly record: ApprovalRecord;
  readonly requested_at: string;
  readonly requested_by_node: string;
  readonly expires_at_ms: number;
  /** The votes that count, in order. */
  readonly votes: readonly Vote[];
  /** The arguments the approval is for (after the last edit), and the request hash it is bound to. */
  readonly arguments: Record<string, unknown> | null;
  readonly request_sha256: string;
  readonly edited: boolean;
  readonly decided_at: string | null;
  /** The approver's reason on rejection (or the last approver's on approval). */
  readonly decision_reason: string | null;
  /** The winning claim: who executes, and until when its lease runs. */
  readonly claim: { readonly id: string; readonly node: string; readonly lease_until_ms: number } | null;
  /** The winning claim's execution record, written just before the call is sent. */
  readonly started: { readonly at: string; readonly repeatable: boolean } | null;
  /** Approved, started, not repeatable, and its claim's lease ran out with no outcome: it may have taken effect. */
  readonly interrupted: boolean;
  readonly outcome: { readonly at: string; readonly data: Record<string, unknown> } | null;
  readonly delivered: boolean;
  /** True once a `rejected`/`expired`/`approved` marker was written (the poller writes the one that is missing). */
  readonly marked: ReadonlySet<string>;
}

/** Server time text to epoch ms. */
export function serverMs(at: string): number {
  return Date.parse(`${at.replace(' ', 'T').slice(0, 23)}Z`);
}

function json(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Folds one approval's events (any order in; sorted here). Null when there is no valid `requested` event. `nowMs`
 * is the reader's clock, used only to call a pending approval expired: whether a vote came in time is decided by
 * the server's time on the vote.
 */
export function foldApproval(events: readonly ApprovalEventRow[], nowMs: number): ApprovalState | null {
  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
  const first = sorted.find((e) => e.kind === 'requested');
  if (!first) return null;
  const parsed = ApprovalRecordSchema.safeParse(json(first.data));
  if (!parsed.success) return null;
  const record = parsed.data;
  const expiresAt = serverMs(first.at) + record.expires_in_s * 1000;
  let status: ApprovalStatus = 'pending';
  let votes: Vote[] = [];
  const voted = new Set<string>();
  let args = record.arguments;
  let hash = record.request_sha256;
  let edited = false;
  let decidedAt: string | null = null;
  let decisionReason: string | null = null;
  let claim = null as { id: string; node: string; lease_until_ms: number } | null;
  let started = null as { at: string; repeatable: boolean } | null;
  let outcome: ApprovalState['outcome'] = null;
  let delivered = false;
  const marked = new Set<string>();
  for (const e of sorted) {
    const d = json(e.data);
    const at = serverMs(e.at);
    switch (e.kind) {
      case 'vote': {
        if (status !== 'pending' || at >= expiresAt) break;
        const keyId = String(d.key_id ?? '');
        const user = String(d.user ?? '');
        const roles = Array.isArray(d.roles) ? d.roles.map(String) : [];
        // Distinct people, not distinct keys: a second key of the same user (or the requester's) adds no eyes.
        const self = keyId === record.requester.key_id || (user !== '' && user === record.requester.user);
        if (!keyId || self || voted.has(keyId) || voted.has(`user:${user}`) || !roles.includes(record.approver_role)) break;
        const decision = d.decision === 'approve' ? 'approve' : d.decision === 'reject' ? 'reject' : null;
        if (!decision) break;
        const edit = decision === 'approve' && d.arguments && typeof d.arguments === 'object' ? (d.arguments as Record<string, unknown>) : undefined;
        if (edit && (!record.editable || typeof d.request_sha256 !== 'string')) break;
        const vote: Vote = { at: e.at, actor: e.actor, key_id: keyId, user, decision, reason: String(d.reason ?? ''), ...(edit ? { arguments: edit } : {}) };
        voted.add(keyId);
        if (user) voted.add(`user:${user}`);
        if (decision === 'reject') {
          votes.push(vote);
          status = 'rejected';
          decidedAt = e.at;
          decisionReason = vote.reason;
          break;
        }
        if (edit) {
          votes = [vote];
          args = edit;
          hash = d.request_sha256 as string;
          edited = true;
        } else votes.push(vote);
        if (votes.length >= record.quorum) {
          status = 'approved';
          decidedAt = e.at;
          decisionReason = vote.reason;
        }
        break;
      }
      case 'claim':
      case 'renew': {
        if (status !== 'approved') break;
        const id = String(d.claim_id ?? '');
        const lease = Number(d.lease_ms ?? 0);
        if (e.kind === 'renew') {
          if (claim && claim.id === id && at <= claim.lease_until_ms) claim = { id: claim.id, node: claim.node, lease_until_ms: at + lease };
        } else if (!claim || (at > claim.lease_until_ms && (!started || started.repeatable))) {
          claim = { id, node: e.node, lease_until_ms: at + lease };
          started = null;
        }
        break;
      }
      case 'started':
        if (status === 'approved' && claim && claim.id === String(d.claim_id ?? '') && at <= claim.lease_until_ms && !started) started = { at: e.at, repeatable: d.repeatable === true };
        break;
      case 'executed':
      case 'failed':
        if (status === 'approved' && !outcome) {
          status = e.kind;
          outcome = { at: e.at, data: d };
        }
        break;
      case 'delivered':
        delivered = true;
        break;
      default:
        marked.add(e.kind);
    }
  }
  if (status === 'pending' && nowMs >= expiresAt) status = 'expired';
  const interrupted = status === 'approved' && claim !== null && started !== null && !started.repeatable && nowMs > claim.lease_until_ms;
  return {
    id: first.approval_id,
    tenant: first.tenant,
    status,
    record,
    requested_at: first.at,
    requested_by_node: first.node,
    expires_at_ms: expiresAt,
    votes,
    arguments: args,
    request_sha256: hash,
    edited,
    decided_at: decidedAt,
    decision_reason: decisionReason,
    claim,
    started,
    interrupted,
    outcome,
    delivered,
    marked,
  };
}

/** Groups rows by approval and folds each. */
export function foldAll(rows: readonly ApprovalEventRow[], nowMs: number): Map<string, ApprovalState> {
  const by = new Map<string, ApprovalEventRow[]>();
  for (const r of rows) {
    let list = by.get(r.approval_id);
    if (!list) by.set(r.approval_id, (list = []));
    list.push(r);
  }
  const out = new Map<string, ApprovalState>();
  for (const [id, list] of by) {
    const s = foldApproval(list, nowMs);
    if (s) out.set(id, s);
  }
  return out;
}
