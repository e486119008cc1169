import { AirlockError } from './airlock-error.js';

/** A request, or a wait for an approval, took longer than it was allowed. */
export class TimeoutError extends AirlockError {
  override name = 'TimeoutError';
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;

  constructor(options: { method: string; url: string; timeoutMs: number }) {
    super(`${options.method} ${options.url} timed out after ${options.timeoutMs} ms`);
    this.method = options.method;
    this.url = options.url;
    this.timeoutMs = options.timeoutMs;
  }
}
