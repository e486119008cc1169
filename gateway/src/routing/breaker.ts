/**
 * A circuit breaker per deployment. Closed: calls flow. Open (after `failureThreshold` consecutive failures, or an
 * error rate of at least `errorRate` over the last `window` calls): calls skip the deployment until `cooldownMs`
 * has passed. Half-open: one probe call at a time; its success closes the breaker, its failure opens it again.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly errorRate: number;
  readonly window: number;
  /** Fewest calls in the window before the error rate counts. */
  readonly minCalls: number;
  readonly cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, errorRate: 0.5, window: 20, minCalls: 10, cooldownMs: 30_000 };

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #consecutiveFailures = 0;
  #recent: boolean[] = [];
  #openedAt = 0;
  #probing = false;
  #opens = 0;

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.#state === 'open' && this.now() - this.#openedAt >= this.options.cooldownMs) this.#state = 'half_open';
    return this.#state;
  }

  /** How many times the breaker has opened. */
  get opens(): number {
    return this.#opens;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** Whether a call may go to this deployment now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** Milliseconds until an open breaker lets a probe through. */
  retryInMs(): number {
    return this.state === 'open' ? this.options.cooldownMs - (this.now() - this.#openedAt) : 0;
  }

  /** Gives back a probe slot taken by tryAcquire but not used. */
  release(): void {
    this.#probing = false;
  }

  success(): void {
    this.#probing = false;
    this.#consecutiveFailures = 0;
    this.#push(true);
    this.#state = 'closed';
  }

  failure(): void {
    this.#probing = false;
    this.#consecutiveFailures++;
    this.#push(false);
    const failures = this.#recent.filter((ok) => !ok).length;
    const rateTripped = this.#recent.length >= this.options.minCalls && failures / this.#recent.length >= this.options.errorRate;
    if (this.#state === 'half_open' || this.#consecutiveFailures >= this.options.failureThreshold || rateTripped) this.#open();
  }

  #push(ok: boolean): void {
    this.#recent.push(ok);
    if (this.#recent.length > this.options.window) this.#recent.shift();
  }

  #open(): void {
    if (this.#state !== 'open') this.#opens++;
    this.#state = 'open';
    this.#openedAt = this.now();
    this.#recent = [];
  }
}
