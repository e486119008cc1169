import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.js';

const options = { failureThreshold: 3, errorRate: 0.5, window: 10, minCalls: 6, cooldownMs: 1000 };

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, half-opens after the cooldown, and closes on a good probe', () => {
    let now = 0;
    const b = new CircuitBreaker(options, () => now);
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryInMs()).toBe(1000);
    now = 1000;
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.opens).toBe(1);
  });

  it('a failed probe opens it again for another cooldown', () => {
    let now = 0;
    const b = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 3; i++) b.failure();
    now = 1500;
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    now = 2400;
    expect(b.state).toBe('open');
    now = 2500;
    expect(b.state).toBe('half_open');
    expect(b.opens).toBe(2);
  });

  it('opens on the error rate over the window even without a long failure run', () => {
    const b = new CircuitBreaker(options, () => 0);
    for (let i = 0; i < 3; i++) {
      b.success();
      b.failure();
    }
    expect(b.state).toBe('open');
  });

  it('an unused probe slot can be given back', () => {
    let now = 0;
    const b = new CircuitBreaker(options, () => now);
    for (let i = 0; i < 3; i++) b.failure();
    now = 1000;
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
  });
});
