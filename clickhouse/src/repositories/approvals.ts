/**
 * The approval event log (migration 0007): append and read, nothing else. Rows are never updated; what an approval
 * is now is a fold over its rows that the gateway computes (gateway/src/approvals/state.ts). `at` is left to the
 * server's clock, so the order of two replicas' rows is the one clock's order.
 */
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES } from '../tables.js';

export interface ApprovalEventRow {
  readonly tenant: string;
  readonly approval_id: string;
  readonly event_id: string;
  /** Server time, `YYYY-MM-DD hh:mm:ss.ffffff` (UTC); set by ClickHouse on insert. */
  readonly at: string;
  readonly kind: string;
  readonly actor: string;
  readonly node: string;
  /** JSON. */
  readonly data: string;
}

export type NewApprovalEvent = Omit<ApprovalEventRow, 'at'>;

export interface ApprovalListQuery {
  readonly team?: string | undefined;
  readonly workflow?: string | undefined;
  readonly approverRole?: string | undefined;
  /** Requested strictly before this (at, approval_id): the cursor of the page before. */
  readonly before?: { readonly at: string; readonly id: string } | undefined;
  readonly limit: number;
}

const COLUMNS = 'tenant, approval_id, event_id, toString(at) AS at, kind, actor, node, data';
/** Kinds after which nothing more happens to an approval (besides delivering its outcome). */
export const FINAL_APPROVAL_EVENTS = ['executed', 'failed', 'expired', 'rejected'] as const;

export class ApprovalEventsRepository {
  constructor(private readonly db: ClickHouseAdapter) {}

  /** Written straight to ClickHouse: a vote or a claim must be visible to the other replicas before it counts. */
  append(events: readonly NewApprovalEvent[]): Promise<void> {
    return this.db.insert(TABLES.approvalEvents, events);
  }

  /** Every event of these approvals, in the order the fold reads them. */
  async events(ids: readonly string[], tenant?: string): Promise<ApprovalEventRow[]> {
    if (!ids.length) return [];
    const where = tenant === undefined ? '' : ' AND tenant = {tenant:String}';
    return this.db.query<ApprovalEventRow>(
      `SELECT ${COLUMNS} FROM ${TABLES.approvalEvents} FINAL WHERE approval_id IN {ids:Array(String)}${where} ORDER BY at, event_id`,
      tenant === undefined ? { ids } : { ids, tenant },
    );
  }

  /** Approvals with no final event yet, every tenant's: what a gateway watches (and reloads at start). */
  async open(): Promise<{ tenant: string; approval_id: string }[]> {
    return this.db.query(
      `SELECT tenant, approval_id FROM ${TABLES.approvalEvents} GROUP BY tenant, approval_id
       HAVING countIf(kind = 'requested') > 0 AND countIf(kind IN {final:Array(String)}) = 0`,
      { final: [...FINAL_APPROVAL_EVENTS] },
    );
  }

  /** One tenant's `requested` events, newest first, filtered on what the request recorded. */
  async requested(tenant: string, q: ApprovalListQuery): Promise<ApprovalEventRow[]> {
    const where = ['tenant = {tenant:String}', "kind = 'requested'"];
    const params: Record<string, unknown> = { tenant, limit: q.limit };
    if (q.team !== undefined) (where.push("JSONExtractString(data, 'requester', 'team') = {team:String}"), (params.team = q.team));
    if (q.workflow !== undefined) (where.push("JSONExtractString(data, 'workflow', 'id') = {workflow:String}"), (params.workflow = q.workflow));
    if (q.approverRole !== undefined) (where.push("JSONExtractString(data, 'approver_role') = {role:String}"), (params.role = q.approverRole));
    if (q.before) {
      where.push('(at, approval_id) < (toDateTime64({before_at:String}, 6, \'UTC\'), {before_id:String})');
      params.before_at = q.before.at;
      params.before_id = q.before.id;
    }
    return this.db.query<ApprovalEventRow>(
      `SELECT ${COLUMNS} FROM ${TABLES.approvalEvents} FINAL WHERE ${where.join(' AND ')} ORDER BY at DESC, approval_id DESC LIMIT {limit:UInt32} SETTINGS prefer_column_name_to_alias = 1`,
      params,
    );
  }
}
