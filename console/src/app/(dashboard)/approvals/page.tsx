import { ApprovalQueue } from '../../../features/approvals/components/approval-queue';
import { requirePage } from '../../../lib/gateway';

export const dynamic = 'force-dynamic';

export default async function ApprovalsPage() {
  const { admin } = await requirePage('/approvals');
  // Every pending hold (the queue), and the latest decisions for context; the stream keeps both current.
  const [pending, recent] = await Promise.all([admin.approvals.list({ status: 'pending', limit: 500 }), admin.approvals.list({ limit: 50 })]);
  const seen = new Set(pending.approvals.map((a) => a.approval_id));
  const initial = [...pending.approvals, ...recent.approvals.filter((a) => !seen.has(a.approval_id))];
  return (
    <>
      <h1>Approvals</h1>
      <ApprovalQueue initial={initial} />
    </>
  );
}
