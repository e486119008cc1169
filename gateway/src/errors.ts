/**
 * Every error the gateway answers with has a stable code (GW_ERR_*), an HTTP status and a type that each API
 * shape (OpenAI, Anthropic) renders in its own way. Codes are never renamed or reused; ERRORS.md documents each.
 */
/** `mcp`: a JSON-RPC error object (MCP routes). */
export type ErrorShape = 'openai' | 'anthropic' | 'mcp';

export interface ErrorSpec {
  readonly status: number;
  /** OpenAI's `error.type`. */
  readonly openaiType: string;
  /** Anthropic's `error.type`. */
  readonly anthropicType: string;
}

export const ERROR_CODES = {
  GW_ERR_MALFORMED_JSON: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_INVALID_REQUEST: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_UNSUPPORTED_TRANSLATION: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_UNAUTHENTICATED: { status: 401, openaiType: 'invalid_request_error', anthropicType: 'authentication_error' },
  GW_ERR_FORBIDDEN: { status: 403, openaiType: 'permission_denied', anthropicType: 'permission_error' },
  GW_ERR_POLICY_DENIED: { status: 403, openaiType: 'permission_denied', anthropicType: 'permission_error' },
  GW_ERR_APPROVAL_REQUIRED: { status: 403, openaiType: 'permission_denied', anthropicType: 'permission_error' },
  GW_ERR_APPROVAL_REJECTED: { status: 403, openaiType: 'permission_denied', anthropicType: 'permission_error' },
  GW_ERR_NOT_FOUND: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error' },
  GW_ERR_MCP_SESSION_NOT_FOUND: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error' },
  GW_ERR_UNKNOWN_MODEL: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_APPROVAL_TIMEOUT: { status: 408, openaiType: 'timeout', anthropicType: 'timeout_error' },
  GW_ERR_CONFLICT: { status: 409, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_APPROVAL_INTERRUPTED: { status: 409, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_BODY_TOO_LARGE: { status: 413, openaiType: 'invalid_request_error', anthropicType: 'request_too_large' },
  GW_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error' },
  GW_ERR_RATE_LIMITED: { status: 429, openaiType: 'rate_limit_exceeded', anthropicType: 'rate_limit_error' },
  GW_ERR_INTERNAL: { status: 500, openaiType: 'server_error', anthropicType: 'api_error' },
  GW_ERR_UPSTREAM: { status: 502, openaiType: 'server_error', anthropicType: 'api_error' },
  GW_ERR_UPSTREAM_UNAVAILABLE: { status: 502, openaiType: 'server_error', anthropicType: 'api_error' },
  GW_ERR_UPSTREAM_OVERLOADED: { status: 503, openaiType: 'server_error', anthropicType: 'overloaded_error' },
  GW_ERR_UPSTREAM_TIMEOUT: { status: 504, openaiType: 'timeout', anthropicType: 'api_error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** A short machine-readable `param`, e.g. the offending field path. */
  readonly param: string | undefined;
  /** Extra headers for the error response (Retry-After, …). */
  readonly headers: Readonly<Record<string, string>>;
  /** An upstream's error body (JSON text) that goes to the caller instead of a rendered one (providers/error-replies.ts). */
  readonly upstreamBody: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; param?: string; cause?: unknown; headers?: Readonly<Record<string, string>>; upstreamBody?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.upstreamBody = options.upstreamBody;
  }
}

/**
 * JSON-RPC error codes for gateway errors: the standard ones where they fit, -32001 for a session the server does
 * not know (as the MCP SDK answers it), else the server-error code -32000; `data.code` always names the gateway code.
 */
function jsonRpcCode(error: GatewayError): number {
  switch (error.code) {
    case 'GW_ERR_MALFORMED_JSON':
      return -32700;
    case 'GW_ERR_INVALID_REQUEST':
      return error.param?.startsWith('params') ? -32602 : -32600;
    case 'GW_ERR_MCP_SESSION_NOT_FOUND':
      return -32001;
    case 'GW_ERR_INTERNAL':
      return -32603;
    default:
      return -32000;
  }
}

/** A JSON-RPC error response for `id` (null when the request's id is unknown). */
export function renderJsonRpcError(error: GatewayError, id: string | number | null): unknown {
  return { jsonrpc: '2.0', id, error: { code: jsonRpcCode(error), message: error.message, data: { code: error.code, status: error.status, ...(error.param ? { param: error.param } : {}) } } };
}

/** The body of an error response in the caller's API shape (an upstream's own error body when it carries one). */
export function renderError(error: GatewayError, shape: ErrorShape): unknown {
  if (shape === 'mcp') return renderJsonRpcError(error, null);
  if (error.upstreamBody !== undefined) return error.upstreamBody;
  const spec = ERROR_CODES[error.code];
  if (shape === 'anthropic') {
    return { type: 'error', error: { type: spec.anthropicType, message: error.message } };
  }
  return {
    error: { message: error.message, type: spec.openaiType, param: error.param ?? null, code: error.code },
  };
}
