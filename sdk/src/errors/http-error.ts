import { AirlockError } from './airlock-error.js';

/** What the gateway says about a failed request, in either of its error shapes (OpenAI's or Anthropic's). */
export interface GatewayErrorBody {
  readonly message: string;
  /** `GW_ERR_*` for the gateway's own errors; the upstream's code when it passed an upstream error on. */
  readonly code: string | null;
  readonly type: string | null;
  readonly param: string | null;
}

export function readErrorBody(body: unknown): GatewayErrorBody | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return { message: str(e.message) ?? '', code: str(e.code), type: str(e.type), param: str(e.param) };
}

/** The gateway answered with a status outside 2xx. */
export class HttpError extends AirlockError {
  override name = 'HttpError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly code: string | null;
  /** The gateway's id for the call, to find it in the console. */
  readonly callId: string | null;
  readonly body: unknown;

  constructor(options: { method: string; url: string; status: number; body: unknown; callId: string | null }) {
    const parsed = readErrorBody(options.body);
    super(`${options.method} ${options.url} answered ${options.status}${parsed?.message ? `: ${parsed.message}` : ''}`);
    this.status = options.status;
    this.method = options.method;
    this.url = options.url;
    this.code = parsed?.code ?? null;
    this.callId = options.callId;
    this.body = options.body;
  }
}

export const isHttpError = (error: unknown): error is HttpError => error instanceof HttpError || (error as { name?: unknown })?.name === 'HttpError';
