import type { Approval, ApprovalStatus } from '../approvals/approvals.js';

/**
 * What the admin API answers. Times are ClickHouse DateTime64 text in UTC (`2026-12-03 08:46:27.123`); counts that
 * ClickHouse returns as 64-bit integers may arrive as strings, so read them with `Number()`.
 */
export interface Me {
  readonly key_id: string;
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly roles: readonly string[];
}

export interface CallFilters {
  readonly from?: string;
  readonly to?: string;
  readonly team?: string;
  readonly user?: string;
  readonly workflow?: string;
  readonly run?: string;
  readonly model?: string;
  readonly status?: 'ok' | 'error';
  readonly decision?: string;
  /** `any`, or PII types separated by commas: calls where any of them was found. */
  readonly pii?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface Call {
  readonly call_id: string;
  readonly received_at: string;
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly key_id: string;
  readonly workflow: string;
  readonly run_id: string;
  readonly step: string;
  readonly trace_id: string;
  readonly api: string;
  readonly provider: string;
  readonly deployment: string;
  readonly requested_model: string;
  readonly served_model: string;
  readonly stream: boolean | number;
  readonly status: number;
  readonly error_code: string;
  readonly error_message: string;
  readonly first_byte_ms: number;
  readonly duration_ms: number;
  readonly input_tokens: number | string;
  readonly output_tokens: number | string;
  readonly cost_micros: number | string;
  readonly attempts: number;
  readonly decision: string;
  readonly decision_reasons: readonly string[];
  readonly policy_revision: string;
  readonly pii_counts: Readonly<Record<string, number | string>>;
  readonly approval_id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly [column: string]: unknown;
}

export interface Span {
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string;
  readonly call_id: string;
  readonly name: string;
  readonly kind: string;
  readonly start_time: string;
  readonly duration_ms: number;
  readonly status_code: 'UNSET' | 'OK' | 'ERROR';
  readonly status_message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface CallDetail {
  readonly call: Call;
  /** The call's own spans (its trace may hold more: see `traces.get`). */
  readonly spans: readonly Span[];
  /** The prompt and answer as recorded: already redacted, never the raw text. Null when bodies are not kept. */
  readonly body: { readonly request_text: string; readonly response_text: string } | null;
}

export interface RangeQuery {
  readonly from?: string;
  readonly to?: string;
  readonly workflow?: string;
}

export interface KpiQuery extends RangeQuery {
  readonly bucket?: 'minute' | 'hour' | 'day';
  readonly group_by?: 'none' | 'model' | 'team' | 'workflow';
}

export interface KpiRow {
  readonly bucket: string;
  readonly key: string;
  readonly calls: number | string;
  readonly errors: number | string;
  readonly error_rate: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly input_tokens: number | string;
  readonly output_tokens: number | string;
  readonly cost_micros: number | string;
}

/** One workflow step across runs: the bottleneck view. */
export interface StepRow {
  readonly workflow: string;
  readonly step: string;
  readonly calls: number | string;
  readonly p50_ms: number;
  readonly p95_ms: number;
  /** Time since the previous call of the same run ended: waiting, not working. */
  readonly avg_wait_ms: number;
  readonly p95_wait_ms: number;
  readonly error_rate: number;
}

/** Step → next step within runs (directly-follows): the process map's edges. */
export interface TransitionRow {
  readonly workflow: string;
  readonly from_step: string;
  readonly to_step: string;
  readonly count: number | string;
  readonly avg_ms: number;
  readonly p95_ms: number;
}

export interface ProcessQuery extends RangeQuery {
  readonly workflow: string;
  /** The newest runs the map reads at most (default 5,000). */
  readonly max_runs?: number;
}

/** Model calls, tool or API calls, a policy hold, the human wait for approval; start and end bracket each run. */
export type ActivityKind = 'model' | 'tool' | 'policy_hold' | 'approval' | 'start' | 'end';

export interface ProcessStats {
  readonly count: number;
  readonly median_ms: number;
  readonly p95_ms: number;
  /** count × median. */
  readonly total_ms: number;
}

export interface ProcessNode extends ProcessStats {
  readonly id: string;
  readonly label: string;
  readonly kind: ActivityKind;
  readonly errors: number;
}

/** Directly-follows: `target` came next after `source` in a run; times are the gap between them. */
export interface ProcessEdge extends ProcessStats {
  readonly source: string;
  readonly target: string;
  readonly on_top_path: boolean;
}

export interface ProcessVariant {
  readonly path: readonly string[];
  readonly runs: number;
  readonly share: number;
  readonly median_ms: number;
}

export interface ProcessMap {
  readonly workflow: string;
  readonly runs: number;
  readonly truncated: boolean;
  /** Ranked by total time (the bottleneck order). */
  readonly nodes: readonly ProcessNode[];
  readonly edges: readonly ProcessEdge[];
  /** Most frequent first. */
  readonly variants: readonly ProcessVariant[];
}

export interface KeyInfo {
  readonly id: string;
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly roles: readonly string[];
  readonly created_at?: string;
  readonly revoked_at?: string | null;
  readonly [field: string]: unknown;
}

export interface NewKey {
  readonly team: string;
  readonly user: string;
  readonly roles?: readonly string[];
}

export interface Deployment {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** What the gateway's audit verification found in the caller's tenant's trail. */
export interface AuditVerifyResult {
  readonly ok: boolean;
  readonly tenant: string;
  readonly entries: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** Whether the HMAC seals were checked. */
  readonly sealed: boolean;
  readonly checkpoints: { readonly checked: number; readonly latest: { readonly seq: number; readonly at: string } | null; readonly unanchored: number };
  /** The first broken entry and why. */
  readonly firstBroken?: { readonly seq: number; readonly reason: string };
}

/** A signed statement of a tenant's trail head (Ed25519 over tenant, seq, head and time). */
export interface AuditCheckpoint {
  readonly v: 1;
  readonly tenant: string;
  readonly seq: number;
  readonly head: string;
  readonly at: string;
  readonly key_id: string;
  readonly sig: string;
}

/** One MCP tool against its approved definition. */
export interface McpToolPin {
  readonly tool: string;
  readonly status: 'approved' | 'changed' | 'new' | 'unapproved' | 'removed';
  readonly sha256: string | null;
  readonly approved_sha256: string | null;
  readonly changes: readonly { readonly field: string; readonly approved: unknown; readonly current: unknown }[];
}

export interface McpServerPins {
  readonly name: string;
  readonly transport: 'http' | 'stdio';
  readonly external: boolean;
  readonly approved: boolean;
  readonly tools: readonly McpToolPin[];
  /** Set when the server could not be listed. */
  readonly error?: string;
}

export interface McpApproval {
  readonly tenant: string;
  readonly server: string;
  readonly approved: readonly { readonly tool: string; readonly sha256: string | null; readonly was: McpToolPin['status'] }[];
}

/** Filters of the approval queue (`GET /admin/approvals`). */
export interface ApprovalQuery {
  readonly status?: ApprovalStatus;
  readonly team?: string;
  readonly workflow?: string;
  readonly approver_role?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A row of the approval queue: the SDK's `Approval` plus what an approver needs to pick the next call. */
export interface ApprovalQueueRow extends Approval {
  /** What is held: `call` (a request before it goes out), `tool_call` (a tool call in a model's answer), or another holder's kind. */
  readonly kind: string;
  readonly call_id: string;
  readonly approver_role: string;
  /** Distinct approvers needed, and those counted so far (four eyes: 2). */
  readonly quorum: number;
  readonly approvals: number;
  readonly requested_at: string;
  readonly expires_at: string;
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly workflow: { readonly id: string; readonly run: string; readonly step: string } | null;
  readonly api: string;
  readonly age_ms: number;
}

/** One held call as an approver may see it: redacted, with its context and the votes so far. */
export interface ApprovalDetail extends ApprovalQueueRow {
  readonly requester: Readonly<Record<string, unknown>>;
  readonly mode: 'wait' | 'async';
  readonly stream: boolean;
  readonly policy_revision: string;
  readonly request_sha256: string;
  readonly editable: boolean;
  /** The held request, PII masked. */
  readonly request: unknown;
  readonly votes: readonly { readonly at: string; readonly approver: string; readonly decision: 'approve' | 'reject'; readonly reason: string; readonly edited: boolean }[];
  readonly trace_id: string;
}

/** One event of `GET /admin/approvals/stream`. */
export interface ApprovalChange {
  readonly change: string;
  readonly approval: ApprovalQueueRow;
}
