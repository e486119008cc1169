/**
 * The approvers' side of held calls, registered inside the admin plugin (its authentication and tenant hooks):
 *
 *   GET  /admin/approvals              the queue: filters (status, team, workflow, approver_role), cursor pages
 *   GET  /admin/approvals/stream       SSE: every change to the tenant's approvals as it happens
 *   GET  /admin/approvals/:id          one held call as an approver may see it: redacted, with reason and context
 *   POST /admin/approvals/:id/approve  {reason, arguments?}: a vote (an edit when `arguments` is given and allowed)
 *   POST /admin/approvals/:id/reject   {reason}
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCESS } from '../../auth/access.js';
import { GatewayError } from '../../errors.js';
import { editedHash } from '../../approvals/hold.js';
import { TOOL_CALL_KIND, editedToolCallHash } from '../../approvals/answer-hold.js';
import { publicView, type Approvals } from '../../approvals/service.js';
import { APPROVAL_STATUSES, serverMs, type ApprovalState } from '../../approvals/state.js';

const APPROVAL_ID = /^apr_[0-9a-f]{32}$/;
const MAX_STREAM_MS = 24 * 3600 * 1000;
const STREAM_KEEPALIVE_MS = 15_000;

const ListSchema = z
  .object({
    status: z.enum(APPROVAL_STATUSES).optional(),
    team: z.string().min(1).optional(),
    workflow: z.string().min(1).optional(),
    approver_role: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).optional(),
  })
  .strict();

const DecisionSchema = z
  .object({
    reason: z.string().trim().min(1, 'give a reason').max(2000),
    arguments: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const StreamSchema = z.object({ max_ms: z.coerce.number().int().positive().max(MAX_STREAM_MS).optional() }).strict();

type Parse = <T extends z.ZodType>(schema: T, value: unknown) => z.infer<T>;

function cursorOf(state: ApprovalState): string {
  return Buffer.from(JSON.stringify({ at: state.requested_at, id: state.id })).toString('base64url');
}

function parseCursor(text: string): { at: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    if (typeof c.at === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(c.at) && typeof c.id === 'string' && APPROVAL_ID.test(c.id)) return { at: c.at, id: c.id };
  } catch {
    // Falls through to the 400.
  }
  throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `cursor`: not a cursor this gateway gave.', { param: 'cursor' });
}

/** A queue row: what an approver needs to pick the next call to look at. */
function queueRow(s: ApprovalState): Record<string, unknown> {
  return {
    ...publicView(s),
    kind: s.record.kind,
    tenant: s.tenant,
    team: s.record.requester.team,
    user: s.record.requester.user,
    workflow: s.record.workflow,
    api: s.record.api,
    age_ms: Math.max(0, Date.now() - serverMs(s.requested_at)),
  };
}

/** The held call as an approver may see it: the redacted view, the context, the votes so far. */
function detail(s: ApprovalState): Record<string, unknown> {
  return {
    ...queueRow(s),
    requester: s.record.requester,
    mode: s.record.mode,
    stream: s.record.stream,
    policy_revision: s.record.policy_revision,
    request_sha256: s.request_sha256,
    editable: s.record.editable,
    request: s.record.view,
    votes: s.votes.map((v) => ({ at: new Date(serverMs(v.at)).toISOString(), approver: v.actor, decision: v.decision, reason: v.reason, edited: v.arguments !== undefined })),
    trace_id: s.record.trace_id,
  };
}

export function registerApprovalRoutes(app: FastifyInstance, options: { approvals: () => Approvals; parse: Parse; queryOf: (r: FastifyRequest) => Record<string, unknown> }): void {
  const { approvals, parse, queryOf } = options;
  const queue = { config: { access: ACCESS.approvals } };
  const decide = { config: { access: ACCESS.decide } };
  const idOf = (request: FastifyRequest<{ Params: { id: string } }>): string => {
    const { id } = request.params;
    if (!APPROVAL_ID.test(id)) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `id`: an approval id is apr_ and 32 hex digits.', { param: 'id' });
    return id;
  };

  app.get('/admin/approvals', queue, async (request) => {
    const q = parse(ListSchema, queryOf(request));
    const store = approvals();
    const out: ApprovalState[] = [];
    let before = q.cursor ? parseCursor(q.cursor) : undefined;
    // Status is a fold, not a column: pages of requests are read until the page is full or the queue ends.
    for (let round = 0; round < 20 && out.length < q.limit; round++) {
      const batch = Math.min(1000, Math.max(q.limit * 2, 50));
      const rows = await store.list(request.tenant!, { team: q.team, workflow: q.workflow, approverRole: q.approver_role, before, limit: batch });
      for (const s of rows) {
        if (!q.status || s.status === q.status) out.push(s);
        if (out.length === q.limit) break;
      }
      if (rows.length < batch || out.length === q.limit) break;
      before = { at: rows.at(-1)!.requested_at, id: rows.at(-1)!.id };
    }
    const last = out.at(-1);
    return { approvals: out.map(queueRow), next_cursor: out.length === q.limit && last ? cursorOf(last) : null };
  });

  app.get('/admin/approvals/stream', queue, async (request, reply: FastifyReply) => {
    const q = parse(StreamSchema, queryOf(request));
    const tenant = request.tenant!;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribe = approvals().listen(tenant, ({ kind, state }) => {
      res.write(`event: approval\ndata: ${JSON.stringify({ change: kind, approval: queueRow(state) })}\n\n`);
    });
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), STREAM_KEEPALIVE_MS);
    const stop = (): void => {
      clearInterval(keepalive);
      clearTimeout(limit);
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    const limit = q.max_ms ? setTimeout(stop, q.max_ms) : undefined;
    res.once('close', stop);
  });

  app.get<{ Params: { id: string } }>('/admin/approvals/:id', queue, async (request) => {
    const state = await approvals().get(idOf(request), request.tenant!);
    if (!state) throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${request.params.id}.`);
    return detail(state);
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/approvals/:id/${decision}`, decide, async (request) => {
      const id = idOf(request);
      const body = parse(DecisionSchema, request.body ?? {});
      const store = approvals();
      let edit: { arguments: Record<string, unknown>; request_sha256: string } | undefined;
      if (body.arguments !== undefined) {
        const state = await store.get(id, request.tenant!);
        if (!state) throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${id}.`);
        if (decision !== 'approve') throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `arguments`: only an approval may edit the arguments.', { param: 'arguments' });
        if (!state.record.editable || state.record.arguments === null) {
          throw new GatewayError('GW_ERR_FORBIDDEN', `The policy that held approval ${id} does not allow its arguments to be edited.`);
        }
        edit = { arguments: body.arguments, request_sha256: state.record.kind === TOOL_CALL_KIND ? editedToolCallHash(state, body.arguments) : editedHash(httpOf(state), body.arguments) };
      }
      const after = await store.vote(id, request.tenant!, request.principal!, decision, body.reason, edit);
      return detail(after);
    });
  }
}

/** Where an API call was held going, as the suspended record's clear part keeps it (the view's path is masked). */
function httpOf(state: ApprovalState): { method: string; system: string; path: string } {
  const payload = state.record.payload as { call?: { http?: { method?: string; system?: string; path?: string } | null } } | null;
  const h = payload?.call?.http;
  return { method: h?.method ?? '', system: h?.system ?? '', path: h?.path ?? '' };
}
