/**
 * Everything one call carries through the pipeline. Every field exists from the start (null until a stage sets
 * it), so each stage can see what earlier stages decided and the record stage can write it all down.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PolicyInput } from '@airlock/policies';
import type { Principal } from '../auth/principal.js';
import type { ModelRoute, SystemTarget } from '../config/load.js';
import type { CallApi } from '../contracts/api.js';
import type { CallSignal } from '../contracts/call-signal.js';
import type { ErrorShape } from '../errors.js';
import type { McpCall } from '../mcp/call.js';
import type { CallOutcome, Deployment } from '../providers/provider.js';
import type { AttemptRecord } from '../routing/router.js';
import type { FindingsCache, RedactionPlan, Vault } from '../redaction/modes.js';
import type { Pipeline } from './pipeline.js';
import type { Answer, StageResult } from './stage.js';

export type { CallApi };

export interface WorkflowContext {
  readonly id: string;
  readonly run: string;
  readonly step: string;
  /** From a valid W3C traceparent header. */
  readonly traceId: string | null;
  readonly parentSpanId: string | null;
}

/** An API call as the client addressed it: /api/:system/… (resolved against the config by the target stage). */
export interface HttpRequest {
  readonly system: string;
  readonly method: string;
  /** Path and query after /api/:system. */
  readonly path: string;
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
  /** The body as the client sent it (parsed JSON, or a Buffer for API calls), before validation. */
  readonly rawBody: unknown;
  /** API calls: where the client sent it; null for model calls. */
  readonly http: HttpRequest | null;
  /** Model calls: the validated request body. Stages that rewrite it (redaction) replace it. */
  body: Record<string, unknown>;
  stream: boolean;
  requestedModel: string;
  principal: Principal | null;
  workflow: WorkflowContext | null;
  /** The model the call will be served by (a policy may route it elsewhere than requested). */
  model: ModelRoute | null;
  /** The names `model` was made from: the resolved model, or a policy's route and its fallbacks (suspend.ts). */
  modelNames: readonly string[];
  deployment: Deployment | null;
  target: HttpTarget | null;
  /** MCP requests: the JSON-RPC message and what it goes to; null for other calls. */
  readonly mcp: McpCall | null;
  /** The answer, once the innermost stage gave it (the ingress sends it). */
  response: Answer | null;
  /** Every upstream attempt the router made, failed ones included (each becomes a span in the trace). */
  attempts: readonly AttemptRecord[];
  outcome: CallOutcome | null;
  /** Set when the call failed; the record stage writes it down. */
  error: { readonly code: string; readonly message: string; readonly status: number } | null;
  /** performance.now() when the response was fully sent (or the call failed). */
  doneAt: number | null;
  /** The policy decision, when a bundle is loaded. */
  decision: { readonly kind: 'allow' | 'deny' | 'hold'; readonly reasons: readonly string[]; readonly revision: string; readonly engineMs: number } | null;
  /** The request phase's policy input: the response phase decides the answer's tool calls against it. */
  policyInput: PolicyInput | null;
  /** The redaction plan the policy chose (else the config's applies). */
  redactionPlan: Omit<RedactionPlan, 'hashKey'> | null;
  /** Detection results per text for this call: the scan stage fills it, the redact stage reads it. */
  readonly piiFindings: FindingsCache;
  /** PII found in the request by the scan stage, by type (counts only, never values). */
  pii: Readonly<Record<string, number>>;
  /** Set by the redact stage once the body was rewritten: the plan applied and its placeholders' originals. */
  redaction: { readonly plan: RedactionPlan; readonly vault: Vault } | null;
  /** The request as sent upstream, as redacted text, for the trace; null when nothing was redacted-checked. */
  redactedRequest: string | null;
  /** A buffered response as the upstream sent it (placeholders, not originals), recorded when redaction ran. */
  upstreamResponseText: string | null;
  /** Free key/values for the trace (policy labels and the like). */
  readonly labels: Record<string, string>;
  /** The stage after which the call was suspended (suspend.ts), else null. */
  suspendedAfter: string | null;

  // The runner's state for this call (pipeline.ts): kept here so that a call needs no closure per stage.
  /** The stage list the call runs in. */
  pipeline: Pipeline | null;
  /** Index of the stage `next()` runs. */
  cursor: number;
  /** Stages before this index are re-entered through `resume` (a resumed call); -1 otherwise. */
  resumeAt: number;
  /** Runs the stage at `cursor`; made once per call. */
  next: () => StageResult;
  /** Time each stage spent before handing on or answering (ms), by stage index. */
  readonly stageMs: number[];
  /** performance.now() when the stage running now began. */
  stageAt: number;
  /** Called once when the call is over (answer sent, stream ended, failed or abandoned), innermost first. */
  readonly onEnd: ((ctx: CallContext) => void)[];
  ended: boolean;
}

const notStarted = (): never => {
  throw new Error('the call is not running in a pipeline');
};

export function createCallContext(init: {
  api: CallApi;
  shape: ErrorShape;
  headers: CallContext['headers'];
  signal: CallSignal;
  rawBody?: unknown;
  http?: HttpRequest | null;
  mcp?: McpCall | null;
  id?: string;
  receivedAtMs?: number;
}): CallContext {
  return {
    id: init.id ?? `call_${randomUUID().replaceAll('-', '')}`,
    api: init.api,
    shape: init.shape,
    receivedAtMs: init.receivedAtMs ?? Date.now(),
    receivedAt: performance.now(),
    headers: init.headers,
    signal: init.signal,
    rawBody: init.rawBody,
    http: init.http ?? null,
    mcp: init.mcp ?? null,
    body: {},
    stream: false,
    requestedModel: '',
    principal: null,
    workflow: null,
    model: null,
    modelNames: [],
    deployment: null,
    target: null,
    response: null,
    attempts: [],
    outcome: null,
    error: null,
    doneAt: null,
    decision: null,
    policyInput: null,
    redactionPlan: null,
    piiFindings: new Map(),
    pii: {},
    redaction: null,
    redactedRequest: null,
    upstreamResponseText: null,
    labels: {},
    suspendedAfter: null,
    pipeline: null,
    cursor: 0,
    resumeAt: -1,
    next: notStarted,
    stageMs: [],
    stageAt: 0,
    onEnd: [],
    ended: false,
  };
}
