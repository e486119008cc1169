import type { ApiFormat, Deployment } from '../provider.js';

/** Endpoints under an OpenAI-compatible base URL (which includes its version path, e.g. https://api.openai.com/v1). */
export const OPENAI_PATHS: Record<Exclude<ApiFormat, 'anthropic.messages'>, string> = {
  'openai.chat': '/chat/completions',
  'openai.responses': '/responses',
  'openai.embeddings': '/embeddings',
};

export function openaiHeaders(deployment: Deployment): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {}),
    ...deployment.headers,
  };
}
