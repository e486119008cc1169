/**
 * The provider adapter contract. Every adapter (one folder each: openai/, anthropic/, demo/) implements it, and
 * nothing here knows about Fastify: adapters are testable with plain Node streams and a local fake upstream.
 */
import type { Readable } from 'node:stream';
import type { ApiFormat } from '../contracts/api.js';
import type { CallSignal } from '../contracts/call-signal.js';

export type { ApiFormat };

export type ProviderKind = 'openai' | 'anthropic' | 'demo';

export interface DeploymentTimeouts {
  /** TCP/TLS connect. */
  readonly connectMs: number;
  /** From request sent to the response headers (and, for streams, the first event). */
  readonly firstByteMs: number;
  /** Longest silence between two stream chunks. */
  readonly idleMs: number;
  /** The whole attempt, body included. */
  readonly totalMs: number;
}

/** One concrete upstream target, resolved from the config (credentials already read from the environment). */
export interface Deployment {
  readonly id: string;
  readonly provider: ProviderKind;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Caller request headers (lower-case) passed on to this provider: the config's `forward_headers`. */
  readonly forwardHeaders?: readonly string[];
  readonly region?: string;
  readonly timeouts: DeploymentTimeouts;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
}

/** The canonical finish reasons; each adapter maps its provider's vocabulary into these in one table. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'cancelled';

export interface UpstreamRequest {
  /** The client's format. */
  readonly format: ApiFormat;
  /** The client's validated body; `model` is still the name the client asked for. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  readonly deployment: Deployment;
  /** The caller's request headers; adapters forward only those the provider accepts (headers.ts). */
  readonly clientHeaders?: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborted when the client goes away or a deadline passes; the adapter cancels the upstream request. */
  readonly signal: CallSignal;
}

export interface CallOutcome {
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** The model the upstream says served the call. */
  readonly servedModel: string;
  /** performance.now() when the first upstream byte arrived. */
  readonly firstByteAt: number;
  /** performance.now() when the last byte was handed on. */
  readonly doneAt: number;
  /** The upstream reported no usage: `usage` was counted with a tokenizer (providers/tokens.ts). */
  readonly usageEstimated?: true;
}

export interface UpstreamResponse {
  /** Headers to send to the client (content-type and the like; never upstream credentials). */
  readonly headers: Readonly<Record<string, string>>;
  /** Non-streaming calls: the response body, already in the client's format. */
  readonly body?: Buffer;
  /**
   * Streaming calls: SSE bytes in the client's format, produced chunk by chunk as the upstream sends them.
   * Pipe it with stream.pipeline so that a client abort destroys it and so cancels the upstream request.
   */
  readonly stream?: Readable;
  /** Settles when the body or stream has been consumed to the end (or rejects on a failure midway). */
  readonly outcome: Promise<CallOutcome>;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  /** Formats this adapter can serve, natively or by translation. */
  readonly formats: ReadonlySet<ApiFormat>;
  /**
   * Sends one attempt. Throws an `UpstreamError` (errors.ts) when the upstream refuses, fails or times out before
   * the response starts; failures after that reject `outcome` and destroy `stream`.
   */
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
}
