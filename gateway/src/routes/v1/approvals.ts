/**
 * GET /v1/approvals/:id — a held call as its requester sees it: the SDK's `Approval` (sdk/src/approvals/), with the
 * result once the call has run. Readable by the key that made the call and by keys that may decide it; to every
 * other key the approval does not exist (404), another tenant's included.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ROLE, SUPERADMIN_ROLE } from '../../auth/access.js';
import { GatewayError } from '../../errors.js';
import { publicView, resultJson } from '../../approvals/service.js';
import type { RouteDeps } from '../ingress.js';

const APPROVAL_ID = /^apr_[0-9a-f]{32}$/;

export function approvalStatus(options: RouteDeps) {
  return async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const p = await options.deps.authenticator.authenticate(request.headers);
    const approvals = options.deps.approvals;
    const { id } = request.params;
    if (!approvals) throw new GatewayError('GW_ERR_NOT_FOUND', 'No approvals: this gateway has no store (store.kind is none).');
    if (!APPROVAL_ID.test(id)) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `id`: an approval id is apr_ and 32 hex digits.', { param: 'id' });
    const state = await approvals.get(id, p.tenant);
    const mayRead = state && (state.record.requester.key_id === p.keyId || p.roles.some((r) => r === state.record.approver_role || r === ADMIN_ROLE || r === SUPERADMIN_ROLE));
    if (!state || !mayRead) throw new GatewayError('GW_ERR_NOT_FOUND', `No approval ${id}.`);
    const result = approvals.result(state);
    return reply.header('x-airlock-approval-id', id).send({ ...publicView(state), ...(result ? { result: resultJson(result) } : {}) });
  };
}
