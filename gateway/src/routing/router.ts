/**
 * Sends a call to one of a model's deployments, and to others when it fails: ordered by the model's strategy,
 * skipping deployments whose circuit is open, and never after a streamed byte may have reached the client (a stream
 * is only handed on once its first chunk arrived). Two budgets, set apart: `retry.max_attempts` attempts on each
 * deployment, and `fallback` to move on to the next one; the call's deadline caps both. Only failures that are safe
 * to repeat are (UpstreamError.retryable, as the SDKs judge them); a timeout after the request was delivered is
 * repeated only when the model opts in (`retry.on_timeout`) or the caller sent an Idempotency-Key, because the first
 * generation may still run upstream and be billed. Every attempt is recorded, with what a delivered one may cost.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelRoute } from '../config/load.js';
import { GatewayError } from '../errors.js';
import { UpstreamError, UpstreamHttpError, UpstreamProtocolError, UpstreamTimeoutError } from '../providers/errors.js';
import { mapTransportError } from '../providers/http/client.js';
import type { Deployment, ProviderAdapter, UpstreamRequest, UpstreamResponse, Usage } from '../providers/provider.js';
import { promptTokens } from '../providers/tokens.js';
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions, type BreakerState } from './breaker.js';
import { nextDelayMs, type RetryOptions } from './retry.js';
import { Ewma, orderDeployments } from './strategy.js';

export interface AttemptRecord {
  readonly deploymentId: string;
  readonly provider: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: { readonly kind: string; readonly status?: number; readonly message: string; readonly delivered: boolean };
  /**
   * A failed attempt that timed out after delivery may be billed for its prompt: the gateway's count of it (an
   * estimate). The answered attempt's usage is the call's.
   */
  readonly billableUsage?: Usage;
}

export interface RoutedResponse {
  readonly response: UpstreamResponse;
  readonly deployment: Deployment;
  readonly attempts: readonly AttemptRecord[];
}

export interface DeploymentHealth {
  readonly id: string;
  readonly provider: string;
  readonly upstreamModel: string;
  readonly region: string | null;
  readonly models: readonly string[];
  readonly breaker: BreakerState;
  readonly breakerOpens: number;
  readonly consecutiveFailures: number;
  readonly latencyEwmaMs: number | null;
  readonly successes: number;
  readonly failures: number;
}

type WeightedDeployment = Deployment & { readonly weight: number };

interface Tracked {
  readonly deployment: WeightedDeployment;
  readonly weight: number;
  readonly breaker: CircuitBreaker;
  readonly latency: Ewma;
  readonly models: Set<string>;
  successes: number;
  failures: number;
}

export interface RouterOptions {
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly breaker?: BreakerOptions;
}

/** Resolves once a stream has data to give, so that a stream failing before its first byte can still fail over. */
function firstChunk(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
      stream.off('end', onEnd);
    };
    const onReadable = (): void => {
      const chunk: unknown = stream.read();
      if (chunk === null) return;
      cleanup();
      stream.unshift(chunk);
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new UpstreamProtocolError('upstream stream ended before any data'));
    };
    stream.on('readable', onReadable);
    stream.once('error', onError);
    stream.once('end', onEnd);
  });
}

/**
 * The deployment for the next attempt: the first of the order whose breaker lets a call through; after a failure,
 * the next one after it in the rotation with attempts left (with `fallback`), else the same one again.
 */
function nextDeployment(order: readonly Tracked[], previous: Tracked | undefined, tries: ReadonlyMap<Tracked, number>, policy: ModelRoute['routing']): Tracked | undefined {
  if (!previous) return order.find((t) => t.breaker.tryAcquire());
  const from = order.indexOf(previous);
  const span = policy.fallback ? order.length : 1;
  for (let i = 1; i <= span; i++) {
    const t = policy.fallback ? order[(from + i) % order.length]! : previous;
    if ((tries.get(t) ?? 0) < policy.retry.maxAttempts && t.breaker.tryAcquire()) return t;
  }
  return undefined;
}

/** Whether the call may be sent again after this failure. */
function mayRepeat(error: UpstreamError, retry: RetryOptions, idempotencyKey: boolean): boolean {
  if (error.retryable) return true;
  return error instanceof UpstreamTimeoutError && error.delivered && (retry.onTimeout || idempotencyKey);
}

function hasIdempotencyKey(headers: UpstreamRequest['clientHeaders']): boolean {
  const v = headers?.['idempotency-key'];
  return typeof v === 'string' ? v.length > 0 : Array.isArray(v) && v.length > 0;
}

function describe(error: UpstreamError): AttemptRecord['error'] {
  return { kind: error.kind, message: error.message, delivered: error.delivered, ...(error instanceof UpstreamHttpError ? { status: error.status } : {}) };
}

/** What a timed-out delivered attempt may be billed: its prompt, counted by the gateway. */
async function billableUsage(error: UpstreamError, body: UpstreamRequest['body']): Promise<Usage | undefined> {
  if (!(error instanceof UpstreamTimeoutError) || !error.delivered) return undefined;
  return { inputTokens: await promptTokens(body), outputTokens: 0, cachedInputTokens: 0 };
}

export class Router {
  #tracked = new Map<string, Tracked>();
  /** A model's deployments able to serve a format never change for that model object: found once, not per call. */
  #candidates = new WeakMap<ModelRoute, Map<UpstreamRequest['format'], readonly Tracked[]>>();
  readonly #order: { random: () => number; latencyOf: (t: Tracked) => number | undefined };
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<unknown>;

  constructor(private readonly options: RouterOptions = {}) {
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => sleep(ms));
    this.#order = { random: this.#random, latencyOf: (t) => t.latency.value };
  }

  #track(model: ModelRoute, deployment: WeightedDeployment): Tracked {
    let t = this.#tracked.get(deployment.id);
    if (!t) {
      const breaker = model.routing.breaker ?? this.options.breaker ?? DEFAULT_BREAKER;
      t = { deployment, weight: deployment.weight, breaker: new CircuitBreaker(breaker, this.#now), latency: new Ewma(), models: new Set(), successes: 0, failures: 0 };
      this.#tracked.set(deployment.id, t);
    }
    t.models.add(model.name);
    return t;
  }

  /** Lists a model's deployments in health() before their first call. */
  register(model: ModelRoute): void {
    for (const d of model.deployments) this.#track(model, d);
  }

  #candidatesFor(model: ModelRoute, format: UpstreamRequest['format'], adapterFor: (deployment: Deployment) => ProviderAdapter): readonly Tracked[] {
    let byFormat = this.#candidates.get(model);
    if (!byFormat) this.#candidates.set(model, (byFormat = new Map()));
    let tracked = byFormat.get(format);
    if (!tracked) {
      tracked = model.deployments.filter((d) => adapterFor(d).formats.has(format)).map((d) => this.#track(model, d));
      byFormat.set(format, tracked);
    }
    return tracked;
  }

  async send(
    model: ModelRoute,
    request: Omit<UpstreamRequest, 'deployment'>,
    adapterFor: (deployment: Deployment) => ProviderAdapter,
  ): Promise<RoutedResponse> {
    const policy = model.routing;
    const started = this.#now();
    const deadline = started + policy.deadlineMs;
    const tracked = this.#candidatesFor(model, request.format, adapterFor);
    if (!tracked.length) {
      throw new GatewayError('GW_ERR_UNSUPPORTED_TRANSLATION', `No deployment of \`${model.name}\` can serve ${request.format} calls.`);
    }
    const order = orderDeployments(policy.strategy, tracked, this.#order);

    const attempts: AttemptRecord[] = [];
    const tries = new Map<Tracked, number>();
    const failures = new Map<Tracked, UpstreamError>();
    const idempotencyKey = hasIdempotencyKey(request.clientHeaders);
    let lastError: UpstreamError | undefined;
    let previous: Tracked | undefined;
    for (;;) {
      const pick = nextDeployment(order, previous, tries, policy);
      if (!pick) break;
      if (previous) {
        const failed = failures.get(pick);
        const wait = nextDelayMs({
          retry: tries.get(pick) ?? 0,
          retryAfterMs: failed instanceof UpstreamHttpError ? failed.retryAfterMs : undefined,
          remainingMs: deadline - this.#now(),
          policy: policy.retry,
          random: this.#random,
        });
        if (wait === undefined) {
          pick.breaker.release();
          break;
        }
        if (wait > 0) await this.#sleep(wait);
      }
      if (request.signal.aborted) {
        pick.breaker.release();
        break;
      }
      previous = pick;
      tries.set(pick, (tries.get(pick) ?? 0) + 1);
      const t0 = performance.now();
      const startedAtMs = this.#now();
      const d = pick.deployment;
      const left = Math.max(1, deadline - this.#now());
      const deployment: Deployment = left < d.timeouts.totalMs ? { ...d, timeouts: { ...d.timeouts, totalMs: left } } : d;
      try {
        const response = await adapterFor(d).send({ ...request, deployment });
        if (response.stream) await firstChunk(response.stream);
        const record: AttemptRecord = { deploymentId: d.id, provider: d.provider, startedAtMs, durationMs: performance.now() - t0, ok: true };
        attempts.push(record);
        pick.breaker.success();
        pick.successes++;
        pick.latency.add(record.durationMs);
        return { response, deployment: d, attempts };
      } catch (thrown) {
        const error = thrown instanceof UpstreamError ? thrown : mapTransportError(thrown, deployment.timeouts);
        if (!(error instanceof UpstreamError)) {
          pick.breaker.release();
          throw thrown;
        }
        lastError = error;
        failures.set(pick, error);
        const durationMs = performance.now() - t0;
        const usage = await billableUsage(error, request.body);
        attempts.push({ deploymentId: d.id, provider: d.provider, startedAtMs, durationMs, ok: false, error: describe(error), ...(usage ? { billableUsage: usage } : {}) });
        pick.failures++;
        // A client error proves the deployment answered: it says nothing against its health.
        if (error.unhealthy) pick.breaker.failure();
        else if (error.kind === 'http') pick.breaker.success();
        else pick.breaker.release();
        if (!mayRepeat(error, policy.retry, idempotencyKey)) break;
      }
    }
    if (lastError) throw Object.assign(lastError, { attempts });
    const wait = Math.min(...tracked.map((t) => t.breaker.retryInMs()));
    throw new GatewayError('GW_ERR_UPSTREAM_OVERLOADED', `No healthy deployment of \`${model.name}\` is available (circuit open).`, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) },
    });
  }

  health(): DeploymentHealth[] {
    return [...this.#tracked.values()].map((t) => ({
      id: t.deployment.id,
      provider: t.deployment.provider,
      upstreamModel: t.deployment.upstreamModel,
      region: t.deployment.region ?? null,
      models: [...t.models],
      breaker: t.breaker.state,
      breakerOpens: t.breaker.opens,
      consecutiveFailures: t.breaker.consecutiveFailures,
      latencyEwmaMs: t.latency.value ?? null,
      successes: t.successes,
      failures: t.failures,
    }));
  }
}
