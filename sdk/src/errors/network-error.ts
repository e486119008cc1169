import { AirlockError } from './airlock-error.js';

/** The gateway could not be reached (refused, reset, DNS); the original error is the `cause`. */
export class NetworkError extends AirlockError {
  override name = 'NetworkError';
  readonly method: string;
  readonly url: string;

  constructor(options: { method: string; url: string; cause: unknown }) {
    const detail = (options.cause as { cause?: { code?: string } })?.cause?.code ?? (options.cause as Error)?.message ?? 'unknown error';
    super(`${options.method} ${options.url} could not reach the gateway (${detail})`, { cause: options.cause });
    this.method = options.method;
    this.url = options.url;
  }
}
