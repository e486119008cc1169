import type { Deployment } from '../provider.js';

export const ANTHROPIC_VERSION = '2023-06-01';
export const MESSAGES_PATH = '/v1/messages';

const headersOf = new WeakMap<Deployment, Record<string, string>>();

/** A deployment's headers never change, so they are built once, not on every call. */
export function anthropicHeaders(deployment: Deployment): Record<string, string> {
  let headers = headersOf.get(deployment);
  if (!headers) {
    headers = {
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...(deployment.apiKey ? { 'x-api-key': deployment.apiKey } : {}),
      ...deployment.headers,
    };
    headersOf.set(deployment, headers);
  }
  return headers;
}
