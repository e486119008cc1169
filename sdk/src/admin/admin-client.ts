/**
 * The admin API, one method per route. `ADMIN_ROUTES` lists the routes the client covers, so a test can hold it
 * against the gateway's own route table: a route added without a client method fails that test.
 */
import { buildURL, readBody, request } from '../core/request.js';
import { HttpError } from '../errors/index.js';
import type { NormalizedOptions } from '../core/options.js';
import type { ApprovalChange, ApprovalDetail, ApprovalQuery, ApprovalQueueRow, AuditCheckpoint, AuditVerifyResult, McpApproval, McpServerPins, Call, CallDetail, CallFilters, Deployment, KeyInfo, KpiQuery, KpiRow, Me, NewKey, ProcessMap, ProcessQuery, RangeQuery, Span, StepRow, TransitionRow } from './types.js';

export const ADMIN_ROUTES = [
  'GET /admin/me',
  'GET /admin/calls',
  'GET /admin/calls/:id',
  'GET /admin/runs/:id',
  'GET /admin/traces/:id',
  'GET /admin/metrics/kpis',
  'GET /admin/metrics/steps',
  'GET /admin/metrics/transitions',
  'GET /admin/metrics/process',
  'GET /admin/deployments',
  'GET /metrics',
  'GET /admin/keys',
  'POST /admin/keys',
  'POST /admin/keys/:id/revoke',
  'GET /admin/policies',
  'POST /admin/policies/reload',
  'POST /admin/policies/evaluate',
  'GET /admin/audit/verify',
  'POST /admin/audit/verify',
  'GET /admin/audit/checkpoints',
  'GET /admin/audit/export',
  'GET /admin/approvals',
  'GET /admin/approvals/stream',
  'GET /admin/approvals/:id',
  'POST /admin/approvals/:id/approve',
  'POST /admin/approvals/:id/reject',
  'GET /admin/mcp/servers',
  'POST /admin/mcp/servers/:server/approve',
] as const;

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AdminClient {
  me(): Promise<Me>;
  readonly calls: {
    list(filters?: CallFilters): Promise<{ calls: Call[]; next: string | null }>;
    get(id: string): Promise<CallDetail>;
  };
  runs: { get(id: string): Promise<{ run: string; calls: Call[] }> };
  traces: { get(traceId: string): Promise<{ trace: string; spans: Span[] }> };
  readonly metrics: {
    kpis(query?: KpiQuery): Promise<{ rows: KpiRow[] }>;
    steps(query?: RangeQuery): Promise<{ rows: StepRow[] }>;
    transitions(query?: RangeQuery): Promise<{ rows: TransitionRow[] }>;
    /** A workflow's process map across its newest runs: activities, directly-follows edges, variants. */
    process(query: ProcessQuery): Promise<ProcessMap>;
    /** The Prometheus text exposition. */
    prometheus(): Promise<string>;
  };
  deployments(): Promise<{ deployments: Deployment[] }>;
  readonly keys: {
    list(): Promise<{ keys: KeyInfo[] }>;
    /** The plain key is in the answer once, and never again. */
    create(key: NewKey): Promise<KeyInfo & { key: string }>;
    revoke(id: string): Promise<{ id: string; revoked: boolean }>;
  };
  readonly policies: {
    get(): Promise<{ dir: string; revision: string; loaded_at: string }>;
    reload(): Promise<{ revision: string; changed: boolean }>;
    evaluate(body: { input: unknown; candidate?: { modules: { file: string; source: string }[]; data?: Record<string, unknown> } }): Promise<{
      decision: unknown;
      engine: string;
      revision: string;
      engine_ms: number;
      explanation: unknown;
    }>;
  };
  readonly audit: {
    /**
     * Checks the trail against the gateway's own checkpoints, or against `checkpoints` kept elsewhere (the text of
     * a checkpoint file) and the PEM `public_key` they must be signed with.
     */
    verify(against?: { checkpoints: string; public_key?: string }): Promise<AuditVerifyResult>;
    /** The signed checkpoints and the public key that verifies them. */
    checkpoints(): Promise<{ tenant: string; key_id: string; public_key: string; checkpoints: AuditCheckpoint[] }>;
    /** The entries as CSV or JSON lines, exactly as the gateway exports them. */
    export(query?: { from?: string; to?: string; format?: 'csv' | 'jsonl' }): Promise<string>;
  };
  readonly approvals: {
    /** The queue, newest first; pass `next_cursor` back as `cursor` for the next page. */
    list(query?: ApprovalQuery): Promise<{ approvals: ApprovalQueueRow[]; next_cursor: string | null }>;
    get(id: string): Promise<ApprovalDetail>;
    /** A vote; with `arguments` an edit of the held call, where the decision allows it. */
    approve(id: string, body: { reason: string; arguments?: Readonly<Record<string, unknown>> }): Promise<ApprovalDetail>;
    reject(id: string, body: { reason: string }): Promise<ApprovalDetail>;
    /** Every change to the tenant's approvals as it happens, until `signal` aborts or the gateway ends the stream. */
    stream(options?: { signal?: AbortSignal; maxMs?: number }): AsyncIterable<ApprovalChange>;
  };
  readonly mcp: {
    /** Each MCP server's tools against the definitions approved in this tenant (new, changed with a diff, removed). */
    servers(): Promise<{ tenant: string; pinning: { unapproved: string; changed: string }; servers: McpServerPins[] }>;
    /** Approves the server's tools as they are now; `expect` refuses (409) if a tool no longer hashes as reviewed. */
    approve(server: string, body?: { tools?: readonly string[]; expect?: Readonly<Record<string, string>> }): Promise<McpApproval>;
  };
}

export function createAdminClient(options: NormalizedOptions): AdminClient {
  const get = async <T>(path: string, query?: Query): Promise<T> => (await request<T>(options, { path, ...(query ? { query } : {}) })).data;
  const text = async (path: string, query?: Query): Promise<string> =>
    (await request<string>(options, { path, responseType: 'text', ...(query ? { query } : {}) })).data;
  const post = async <T>(path: string, body: unknown = {}): Promise<T> => (await request<T>(options, { method: 'POST', path, body })).data;
  const id = encodeURIComponent;
  return {
    me: () => get('/admin/me'),
    calls: {
      list: (filters) => get('/admin/calls', filters as Query),
      get: (callId) => get(`/admin/calls/${id(callId)}`),
    },
    runs: { get: (runId) => get(`/admin/runs/${id(runId)}`) },
    traces: { get: (traceId) => get(`/admin/traces/${id(traceId)}`) },
    metrics: {
      kpis: (query) => get('/admin/metrics/kpis', query as Query),
      steps: (query) => get('/admin/metrics/steps', query as Query),
      transitions: (query) => get('/admin/metrics/transitions', query as Query),
      process: ({ workflow, ...range }) => get('/admin/metrics/process', { ...(range as Query), workflow }),
      prometheus: () => text('/metrics'),
    },
    deployments: () => get('/admin/deployments'),
    keys: {
      list: () => get('/admin/keys'),
      create: (key) => post('/admin/keys', key),
      revoke: (keyId) => post(`/admin/keys/${id(keyId)}/revoke`),
    },
    policies: {
      get: () => get('/admin/policies'),
      reload: () => post('/admin/policies/reload'),
      evaluate: (body) => post('/admin/policies/evaluate', body),
    },
    audit: {
      verify: (against) => (against ? post('/admin/audit/verify', against) : get('/admin/audit/verify')),
      checkpoints: () => get('/admin/audit/checkpoints'),
      export: (query) => text('/admin/audit/export', query as Query),
    },
    approvals: {
      list: (query) => get('/admin/approvals', query as Query),
      get: (approvalId) => get(`/admin/approvals/${id(approvalId)}`),
      approve: (approvalId, body) => post(`/admin/approvals/${id(approvalId)}/approve`, body),
      reject: (approvalId, body) => post(`/admin/approvals/${id(approvalId)}/reject`, body),
      stream: (streamOptions) => approvalChanges(options, streamOptions),
    },
    mcp: {
      servers: () => get('/admin/mcp/servers'),
      approve: (server, body) => post(`/admin/mcp/servers/${id(server)}/approve`, body ?? {}),
    },
  };
}

/**
 * Reads the approvals SSE stream. It bypasses the request core on purpose: the core's deadline and retries suit
 * short calls, while a live queue stays open for hours and must not be re-sent behind the caller's back.
 */
async function* approvalChanges(options: NormalizedOptions, stream: { signal?: AbortSignal; maxMs?: number } = {}): AsyncGenerator<ApprovalChange> {
  const url = buildURL(options.baseURL, '/admin/approvals/stream', stream.maxMs === undefined ? undefined : { max_ms: stream.maxMs });
  const headers = new Headers(options.headers);
  if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`);
  headers.set('accept', 'text/event-stream');
  const res = await options.fetch(url, { method: 'GET', headers, ...(stream.signal ? { signal: stream.signal } : {}) });
  if (!res.ok || !res.body) throw new HttpError({ method: 'GET', url, status: res.status, body: await readBody(res), callId: null });
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (data) yield JSON.parse(data) as ApprovalChange;
      }
    }
  } catch (error) {
    if (stream.signal?.aborted) return;
    throw error;
  }
}
