/**
 * What a caller receives for an upstream's HTTP error. A caller speaking the upstream's own format gets the
 * upstream's status, body and SDK-read headers as sent, so its SDK raises the exception the provider meant
 * (`OverloadedError` for a 529, the `code` and `param` of a 400, the `request_id`). A translated call gets the
 * same status and message in the caller's shape, with the upstream's type mapped into the caller's vocabulary and
 * kept as `code`. Refused credentials (401/403) are the gateway's problem, not the caller's: those stay gateway
 * errors, and so does an error body that is not the provider's JSON (a proxy's HTML page, say).
 */
import type { UpstreamHttpError } from './errors.js';
import type { ApiFormat } from './provider.js';

export interface ErrorReply {
  readonly status: number;
  /** JSON text, sent as it is. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

const ANTHROPIC_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const OPENAI_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  404: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

function anthropicType(status: number): string {
  return ANTHROPIC_TYPE_BY_STATUS[status] ?? (status === 503 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error');
}

function openaiType(status: number): string {
  return OPENAI_TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
}

function parseErrorBody(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    // Azure and most OpenAI-compatible servers use OpenAI's envelope; some put the error in a one-element array.
    const body = Array.isArray(v) ? (v[0] as unknown) : v;
    return body && typeof body === 'object' && 'error' in body ? (body as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The caller's reply for an upstream HTTP error, or undefined when the gateway answers with its own error. */
export function upstreamErrorReply(error: UpstreamHttpError, clientFormat: ApiFormat): ErrorReply | undefined {
  const { status } = error;
  if (status === 401 || status === 403) return undefined;
  const parsed = parseErrorBody(error.body);
  if (!parsed) return undefined;
  const headers = { ...error.headers, 'content-type': 'application/json' };
  if ((error.format === 'anthropic.messages') === (clientFormat === 'anthropic.messages')) {
    // Same wire family (OpenAI's endpoints share one error envelope): the body as the upstream sent it.
    return { status, body: error.body, headers };
  }
  const inner = (typeof parsed.error === 'object' && parsed.error ? parsed.error : {}) as Json;
  const upstreamCode = typeof inner.code === 'string' ? inner.code : typeof inner.type === 'string' ? inner.type : null;
  if (clientFormat === 'anthropic.messages') {
    const requestId = error.headers['x-request-id'] ?? error.headers['request-id'];
    const body = { type: 'error', error: { type: anthropicType(status), message: error.message }, ...(requestId ? { request_id: requestId } : {}) };
    return { status, body: JSON.stringify(body), headers };
  }
  const body = { error: { message: error.message, type: openaiType(status), param: null, code: upstreamCode } };
  return { status, body: JSON.stringify(body), headers };
}
