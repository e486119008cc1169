import { perDeployment } from '../per-deployment.js';
import type { ApiFormat } from '../provider.js';

/** Endpoints under an OpenAI-compatible base URL (which includes its version path, e.g. https://api.openai.com/v1). */
export const OPENAI_PATHS: Record<Exclude<ApiFormat, 'anthropic.messages'>, string> = {
  'openai.chat': '/chat/completions',
  'openai.responses': '/responses',
  'openai.embeddings': '/embeddings',
};

export const openaiHeaders = perDeployment(
  (deployment): Record<string, string> => ({
    'content-type': 'application/json',
    ...(deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {}),
    ...deployment.headers,
  }),
);
