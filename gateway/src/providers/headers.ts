/**
 * Headers across the gateway, both ways. Response headers the SDKs read (request ids, rate limits, retry hints)
 * go back to the caller, renamed to the caller's vocabulary when the call was translated; request headers go
 * upstream only where the provider accepts them: Anthropic's own version and beta headers for Anthropic callers,
 * and whatever the provider's `forward_headers` allow-list names.
 */
import type { ApiFormat, Deployment } from './provider.js';

type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Exact names passed back to callers. */
const PASSED = new Set([
  'x-request-id',
  'request-id',
  'openai-processing-ms',
  'openai-version',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  // Azure OpenAI's request id and region.
  'apim-request-id',
  'x-ms-region',
]);
/** Name prefixes passed back: OpenAI-style and Anthropic rate-limit state. */
const PASSED_PREFIXES = ['x-ratelimit-', 'anthropic-ratelimit-'];

const isAnthropic = (format: ApiFormat): boolean => format === 'anthropic.messages';

/**
 * The upstream response headers a caller's SDK reads. On a translated call, the request id is also given under
 * the name the caller's SDK looks for (`x-request-id` for OpenAI SDKs, `request-id` for Anthropic's).
 */
export function passedResponseHeaders(headers: RawHeaders, upstreamFormat: ApiFormat, clientFormat: ApiFormat): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (PASSED.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p))) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (isAnthropic(upstreamFormat) !== isAnthropic(clientFormat)) {
    const id = out['request-id'] ?? out['x-request-id'];
    if (id !== undefined) {
      if (isAnthropic(clientFormat)) out['request-id'] ??= id;
      else out['x-request-id'] ??= id;
    }
  }
  return out;
}

/** Anthropic's headers an Anthropic caller may set for its own request: the API version and beta features. */
const ANTHROPIC_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * The headers for one upstream request: the deployment's own (credentials included, built once per deployment),
 * with the caller's forwardable headers laid over them. Returns `base` itself when nothing is forwarded, which
 * is the usual case, so most calls copy nothing.
 */
export function withForwardedHeaders(
  base: Record<string, string>,
  deployment: Deployment,
  client: RawHeaders | undefined,
  sameFormatAnthropic: boolean,
): Record<string, string> {
  if (!client) return base;
  let out: Record<string, string> | undefined;
  const take = (name: string): void => {
    const value = client[name];
    if (value === undefined) return;
    out ??= { ...base };
    const given = Array.isArray(value) ? value.join(',') : value;
    // Betas the deployment's config turns on stay on beside the caller's.
    out[name] = name === 'anthropic-beta' && base[name] ? [...new Set([...base[name].split(','), ...given.split(',')].map((b) => b.trim()))].join(',') : given;
  };
  if (sameFormatAnthropic) for (const name of ANTHROPIC_CLIENT_HEADERS) take(name);
  for (const name of deployment.forwardHeaders ?? []) take(name);
  return out ?? base;
}
