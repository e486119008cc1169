/**
 * Turns a finished call into its trace: one calls row, a SERVER span for the call and a CLIENT span per upstream
 * attempt, with OpenTelemetry GenAI attributes (gen_ai.*). Prompt and completion text never go here, and every
 * free string the caller could have put PII in (an unknown model name, workflow headers, error messages, decision
 * reasons, labels, an API call's path and query) passes through `scrub` first.
 */
import { randomFillSync } from 'node:crypto';
import { chTime, chTimeMicros, type BodyRow, type CallRow, type PriceTable, type SpanRow } from '@airlock/clickhouse';
import type { McpCall } from '../mcp/call.js';
import type { CallContext } from './call-context.js';

const OPERATION: Record<CallContext['api'], string> = {
  'openai.chat': 'chat',
  'openai.responses': 'chat',
  'anthropic.messages': 'chat',
  'openai.embeddings': 'embeddings',
  http: 'http',
  mcp: 'mcp',
};

/** Span and trace ids come from a pool of random bytes refilled 4 KB at a time: one system call per few hundred ids, not one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;
function hex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** `{method} {target}`, as the OpenTelemetry MCP conventions name spans (GET and DELETE name the HTTP act). */
function mcpSpanName(m: McpCall): string {
  const method = m.method || (m.httpMethod === 'GET' ? 'stream' : m.httpMethod === 'DELETE' ? 'session/end' : 'message');
  const target = m.toolName || m.promptName || m.resourceUri;
  return target ? `${method} ${target}` : method;
}

function mcpAttributes(ctx: CallContext): Record<string, string> {
  const m = ctx.mcp!;
  const a: Record<string, string> = { 'mcp.method.name': m.method || m.httpMethod };
  if (m.session) a['mcp.session.id'] = m.session.id;
  const version = ctx.headers['mcp-protocol-version'];
  if (typeof version === 'string') a['mcp.protocol.version'] = version;
  if (m.id !== null) a['jsonrpc.request.id'] = String(m.id);
  if (m.server) a['airlock.mcp.server'] = m.server.name;
  if (m.toolName) Object.assign(a, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': m.toolName });
  if (m.promptName) a['gen_ai.prompt.name'] = m.promptName;
  if (m.resourceUri) a['mcp.resource.uri'] = m.resourceUri;
  if (m.listed) Object.assign(a, { 'airlock.mcp.listed': String(m.listed.shown), 'airlock.mcp.hidden': String(m.listed.hidden) });
  return a;
}

function mcpLabels(m: McpCall): Record<string, string> {
  const l: Record<string, string> = { 'mcp.method': m.method || m.httpMethod };
  if (m.server) l['mcp.server'] = m.server.name;
  if (m.toolName) l['mcp.tool'] = m.toolName;
  return l;
}

export interface TraceRecord {
  readonly call: CallRow;
  readonly spans: SpanRow[];
  /** Only when redaction ran: bodies are never stored unredacted. */
  readonly body: BodyRow | undefined;
}

export interface TraceOptions {
  readonly prices: PriceTable;
  readonly defaultTenant: string;
  readonly now: number;
  /** Redacts a string on its way into the record (record.ts); none when redaction is off. */
  readonly scrub?: (text: string) => string;
}

const asIs = (text: string): string => text;

/** An API call's path and query, with PII in them redacted as the values read (percent-decoded). */
function scrubPath(path: string, scrub: (text: string) => string): string {
  const q = path.indexOf('?');
  const decoded = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const segments = (q >= 0 ? path.slice(0, q) : path).split('/').map((seg) => {
    const plain = decoded(seg);
    const clean = scrub(plain);
    return clean === plain ? seg : encodeURIComponent(clean);
  });
  if (q < 0) return segments.join('/');
  const query = new URLSearchParams(path.slice(q + 1));
  const clean = new URLSearchParams();
  let changed = false;
  for (const [name, value] of query) {
    const [n, v] = [scrub(name), scrub(value)];
    changed ||= n !== name || v !== value;
    clean.append(n, v);
  }
  return `${segments.join('/')}?${changed ? clean.toString() : path.slice(q + 1)}`;
}

export function buildTraceRecord(ctx: CallContext, options: TraceOptions): TraceRecord {
  const scrub = options.scrub ?? asIs;
  const p = ctx.principal;
  const w = ctx.workflow && { id: scrub(ctx.workflow.id), run: scrub(ctx.workflow.run), step: scrub(ctx.workflow.step), traceId: ctx.workflow.traceId, parentSpanId: ctx.workflow.parentSpanId };
  // A name that resolved is a configured model's, not the caller's text; one that did not is the caller's.
  const requestedModel = ctx.model ? ctx.requestedModel : scrub(ctx.requestedModel);
  const errorMessage = ctx.error ? scrub(ctx.error.message) : '';
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.labels)) labels[k] = scrub(v);
  const o = ctx.outcome;
  const tenant = p?.tenant ?? options.defaultTenant;
  const status = ctx.error?.status ?? ctx.response?.status ?? 200;
  const doneAt = ctx.doneAt ?? options.now;
  const durationMs = Math.max(0, doneAt - ctx.receivedAt);
  const usage = o?.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  const servedModel = o?.servedModel ?? ctx.deployment?.upstreamModel ?? '';
  const model = ctx.model?.name ?? requestedModel;
  // A held call's trace id is chosen when it is held, so the approval's spans and the call's share one trace.
  const traceId = w?.traceId ?? ctx.labels['approval.trace_id'] ?? hex(16);
  const rootSpanId = hex(8);
  const operation = OPERATION[ctx.api];
  const servedCost = servedModel ? options.prices.costMicros(servedModel, usage) : 0;
  // Failed attempts that may have been billed (a delivered request that timed out) count in the call's cost.
  const attemptCosts = ctx.attempts.map((a) => {
    if (!a.billableUsage) return 0;
    const d = ctx.model?.deployments.find((x) => x.id === a.deploymentId);
    return d ? options.prices.costMicros(d.upstreamModel, a.billableUsage) : 0;
  });
  const call: CallRow = {
    tenant,
    received_at: chTime(ctx.receivedAtMs),
    call_id: ctx.id,
    team: p?.team ?? '',
    user: p?.user ?? '',
    key_id: p?.keyId ?? '',
    workflow: w?.id ?? '',
    run_id: w?.run ?? '',
    step: w?.step ?? '',
    trace_id: traceId,
    api: ctx.api,
    provider: ctx.deployment?.provider ?? (ctx.api === 'http' || ctx.api === 'mcp' ? ctx.api : ''),
    deployment: ctx.deployment?.id ?? ctx.target?.system.name ?? ctx.mcp?.server?.name ?? '',
    requested_model: requestedModel,
    served_model: servedModel,
    stream: ctx.stream,
    status,
    error_code: ctx.error?.code ?? '',
    error_message: errorMessage,
    first_byte_ms: o ? Math.max(0, o.firstByteAt - ctx.receivedAt) : 0,
    duration_ms: durationMs,
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cost_micros: servedCost + attemptCosts.reduce((sum, c) => sum + c, 0),
    attempts: Math.min(255, ctx.attempts.length),
    decision: ctx.decision?.kind ?? '',
    decision_reasons: (ctx.decision?.reasons ?? []).map(scrub),
    policy_revision: ctx.decision?.revision ?? '',
    pii_counts: { ...ctx.pii },
    approval_id: ctx.labels['approval.id'] ?? '',
    // Counted by the gateway's tokenizer because the upstream reported no usage.
    labels: o?.usageEstimated ? { ...labels, 'airlock.usage': 'estimated' } : ctx.mcp ? { ...labels, ...mcpLabels(ctx.mcp) } : labels,
  };

  const rootAttributes: Record<string, string> = {
    'airlock.call_id': ctx.id,
    'airlock.api': ctx.api,
    'http.response.status_code': String(status),
  };
  if (ctx.mcp) {
    Object.assign(rootAttributes, mcpAttributes(ctx));
  } else if (ctx.api === 'http' && ctx.target) {
    Object.assign(rootAttributes, { 'http.request.method': ctx.target.method, 'url.path': scrubPath(ctx.target.path, scrub), 'airlock.system': ctx.target.system.name });
  } else {
    Object.assign(rootAttributes, {
      'gen_ai.operation.name': operation,
      'gen_ai.request.model': requestedModel,
      'gen_ai.response.model': servedModel,
      'gen_ai.usage.input_tokens': String(usage.inputTokens),
      'gen_ai.usage.output_tokens': String(usage.outputTokens),
    });
    if (ctx.deployment) rootAttributes['gen_ai.system'] = ctx.deployment.provider;
    if (o) rootAttributes['gen_ai.response.finish_reasons'] = o.finishReason;
    if (o?.usageEstimated) rootAttributes['airlock.usage.estimated'] = 'true';
  }
  if (w?.id) rootAttributes['airlock.workflow'] = w.id;
  if (w?.run) rootAttributes['airlock.run'] = w.run;
  if (w?.step) rootAttributes['airlock.step'] = w.step;
  if (ctx.error) rootAttributes['error.type'] = ctx.error.code;
  // Each stage's own time (pipeline.ts), so that a slow call shows where it spent it.
  const stageIds = ctx.pipeline?.ids ?? [];
  for (let i = 0; i < stageIds.length; i++) if (ctx.stageMs[i]) rootAttributes[`airlock.stage.${stageIds[i]}.ms`] = ctx.stageMs[i]!.toFixed(3);
  if (ctx.suspendedAfter) rootAttributes['airlock.suspended_after'] = ctx.suspendedAfter;

  const spans: SpanRow[] = [
    {
      tenant,
      start_time: chTimeMicros(ctx.receivedAtMs * 1000),
      trace_id: traceId,
      span_id: rootSpanId,
      parent_span_id: w?.parentSpanId ?? '',
      call_id: ctx.id,
      name: ctx.mcp ? mcpSpanName(ctx.mcp) : ctx.api === 'http' ? `HTTP ${ctx.target?.method ?? ''} ${ctx.target?.system.name ?? ''}`.trim() : `${operation} ${model}`,
      kind: 'SERVER',
      duration_ms: durationMs,
      status_code: ctx.error ? 'ERROR' : 'OK',
      status_message: errorMessage,
      attributes: rootAttributes,
    },
  ];
  const up = ctx.mcp?.upstream;
  if (up && ctx.mcp!.server) {
    // The gateway's own request to the MCP server, as the MCP semantic conventions name a client span.
    const server = ctx.mcp!.server;
    const attributes: Record<string, string> = { 'airlock.call_id': ctx.id, 'mcp.method.name': ctx.mcp!.method, 'airlock.mcp.server': server.name, 'network.transport': server.transport === 'stdio' ? 'pipe' : 'tcp' };
    if (server.transport === 'http') attributes['server.address'] = new URL(server.url).host;
    if (ctx.mcp!.toolName) attributes['gen_ai.tool.name'] = ctx.mcp!.toolName;
    if (up.error) attributes['error.type'] = 'mcp_upstream';
    spans.push({
      tenant,
      start_time: chTimeMicros(up.startedAtMs * 1000),
      trace_id: traceId,
      span_id: hex(8),
      parent_span_id: rootSpanId,
      call_id: ctx.id,
      name: mcpSpanName({ ...ctx.mcp!, toolName: ctx.mcp!.toolName }),
      kind: 'CLIENT',
      duration_ms: up.durationMs,
      status_code: up.error ? 'ERROR' : 'OK',
      status_message: up.error ?? '',
      attributes,
    });
  }
  for (let i = 0; i < ctx.attempts.length; i++) {
    const a = ctx.attempts[i]!;
    const d = ctx.model?.deployments.find((x) => x.id === a.deploymentId);
    const attributes: Record<string, string> =
      ctx.api === 'http'
        ? { 'airlock.call_id': ctx.id, 'airlock.system': a.deploymentId, 'http.request.method': ctx.target?.method ?? '' }
        : {
            'airlock.call_id': ctx.id,
            'airlock.deployment': a.deploymentId,
            'gen_ai.operation.name': operation,
            'gen_ai.system': a.provider,
            'gen_ai.request.model': d?.upstreamModel ?? '',
          };
    if (d) attributes['server.address'] = d.baseUrl;
    if (a.error) {
      attributes['error.type'] = a.error.kind;
      attributes['airlock.attempt.delivered'] = String(a.error.delivered);
      if (a.error.status) attributes['http.response.status_code'] = String(a.error.status);
    }
    // What the attempt cost: the answered one the call's usage, a failed one what it may have been billed.
    const attemptUsage = a.ok ? usage : a.billableUsage;
    if (attemptUsage && ctx.api !== 'http') {
      attributes['gen_ai.usage.input_tokens'] = String(attemptUsage.inputTokens);
      attributes['gen_ai.usage.output_tokens'] = String(attemptUsage.outputTokens);
      if (!a.ok) attributes['airlock.usage.estimated'] = 'true';
    }
    if (ctx.api !== 'http') attributes['airlock.attempt.cost_micros'] = String(a.ok ? servedCost : attemptCosts[i]!);
    spans.push({
      tenant,
      start_time: chTimeMicros(a.startedAtMs * 1000),
      trace_id: traceId,
      span_id: hex(8),
      parent_span_id: rootSpanId,
      call_id: ctx.id,
      name: ctx.api === 'http' ? `HTTP ${ctx.target?.method ?? ''} ${a.deploymentId}` : `${operation} ${d?.upstreamModel ?? a.deploymentId}`,
      kind: 'CLIENT',
      duration_ms: a.durationMs,
      status_code: a.ok ? 'OK' : 'ERROR',
      status_message: a.error ? scrub(a.error.message) : '',
      attributes,
    });
  }
  const body: BodyRow | undefined =
    ctx.redactedRequest !== null
      ? { tenant, received_at: call.received_at, call_id: ctx.id, request_text: ctx.redactedRequest, response_text: ctx.upstreamResponseText ?? '' }
      : undefined;
  return { call, spans, body };
}
