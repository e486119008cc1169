import { perDeployment } from '../per-deployment.js';

export const ANTHROPIC_VERSION = '2023-06-01';
export const MESSAGES_PATH = '/v1/messages';

export const anthropicHeaders = perDeployment(
  (deployment): Record<string, string> => ({
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    ...(deployment.apiKey ? { 'x-api-key': deployment.apiKey } : {}),
    ...deployment.headers,
  }),
);
