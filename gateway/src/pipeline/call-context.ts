/**
 * Everything one call carries through the pipeline. Every field exists from the start (null until a stage sets
 * it), so each stage can see what earlier stages decided and the record stage can write it all down.
 */
import type { CallSignal } from './call-signal.js';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Principal } from '../auth/principal.js';
import type { ModelRoute, SystemTarget } from '../config/load.js';
import type { ErrorShape } from '../errors.js';
import type { ApiFormat, CallOutcome, Deployment, UpstreamResponse } from '../providers/provider.js';
import type { AttemptRecord } from '../routing/router.js';
import type { FindingsCache, RedactionPlan } from '../redaction/modes.js';

/** The API a call came in on: a model API, or `http` for bot and API calls through /api/:system. */
export type CallApi = ApiFormat | 'http';

export interface WorkflowContext {
  readonly id: string;
  readonly run: string;
  readonly step: string;
  /** From a valid W3C traceparent header. */
  readonly traceId: string | null;
  readonly parentSpanId: string | null;
}

export interface HttpTarget {
  readonly system: SystemTarget;
  readonly method: string;
  /** Path and query after /api/:system. */
  readonly path: string;
}

export interface CallContext {
  readonly id: string;
  readonly api: CallApi;
  readonly shape: ErrorShape;
  /** Wall-clock ms and the monotonic clock when the request arrived. */
  readonly receivedAtMs: number;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Fires when the client goes away, so stages and upstream calls stop work nobody will read. */
  readonly signal: CallSignal;
  /** The body as the client sent it (parsed JSON), before validation. */
  readonly rawBody: unknown;
  /** Model calls: the validated request body. Stages that rewrite it (redaction) replace it. */
  body: Record<string, unknown>;
  stream: boolean;
  requestedModel: string;
  principal: Principal | null;
  workflow: WorkflowContext | null;
  /** The model the call will be served by (a policy may route it elsewhere than requested). */
  model: ModelRoute | null;
  deployment: Deployment | null;
  target: HttpTarget | null;
  response: UpstreamResponse | null;
  /** Every upstream attempt the router made, failed ones included (each becomes a span in the trace). */
  attempts: readonly AttemptRecord[];
  outcome: CallOutcome | null;
  /** Set when the call failed; the record stage writes it down. */
  error: { readonly code: string; readonly message: string; readonly status: number } | null;
  /** performance.now() when the response was fully sent (or the call failed). */
  doneAt: number | null;
  /** The policy decision, when a bundle is loaded. */
  decision: { readonly kind: 'allow' | 'deny' | 'hold'; readonly reasons: readonly string[]; readonly revision: string; readonly engineMs: number } | null;
  /** The redaction plan the policy chose (else the config's applies). */
  redactionPlan: Omit<RedactionPlan, 'hashKey'> | null;
  /** Detection results per text for this call, so the policy's scan and the redaction share one pass. */
  readonly piiFindings: FindingsCache;
  /** PII found in the request, by type (counts only, never values). */
  pii: Readonly<Record<string, number>>;
  /** Rewrites applied to the upstream response before it reaches the client (placeholder restoration, …). */
  readonly responseFilters: ((response: UpstreamResponse) => UpstreamResponse)[];
  /** The request as sent upstream, as redacted text, for the trace; null when nothing was redacted-checked. */
  redactedRequest: string | null;
  /** A buffered response as the upstream sent it (placeholders, not originals), recorded when redaction ran. */
  upstreamResponseText: string | null;
  /** Free key/values for the trace (policy labels and the like). */
  readonly labels: Record<string, string>;
}

export function createCallContext(init: {
  api: CallApi;
  shape: ErrorShape;
  headers: CallContext['headers'];
  signal: CallSignal;
  rawBody?: unknown;
}): CallContext {
  return {
    id: `call_${randomUUID().replaceAll('-', '')}`,
    api: init.api,
    shape: init.shape,
    receivedAtMs: Date.now(),
    receivedAt: performance.now(),
    headers: init.headers,
    signal: init.signal,
    rawBody: init.rawBody,
    body: {},
    stream: false,
    requestedModel: '',
    principal: null,
    workflow: null,
    model: null,
    deployment: null,
    target: null,
    response: null,
    attempts: [],
    outcome: null,
    error: null,
    doneAt: null,
    decision: null,
    redactionPlan: null,
    piiFindings: new Map(),
    pii: {},
    responseFilters: [],
    redactedRequest: null,
    upstreamResponseText: null,
    labels: {},
  };
}
