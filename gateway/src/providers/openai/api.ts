import type { ApiFormat, Deployment } from '../provider.js';

/** Endpoints under an OpenAI-compatible base URL (which includes its version path, e.g. https://api.openai.com/v1). */
export const OPENAI_PATHS: Record<Exclude<ApiFormat, 'anthropic.messages'>, string> = {
  'openai.chat': '/chat/completions',
  'openai.responses': '/responses',
  'openai.embeddings': '/embeddings',
};

const headersOf = new WeakMap<Deployment, Record<string, string>>();

/** A deployment's headers never change, so they are built once, not on every call. */
export function openaiHeaders(deployment: Deployment): Record<string, string> {
  let headers = headersOf.get(deployment);
  if (!headers) {
    headers = { 'content-type': 'application/json', ...(deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {}), ...deployment.headers };
    headersOf.set(deployment, headers);
  }
  return headers;
}
