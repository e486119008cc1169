import type { Deployment } from '../provider.js';

export const ANTHROPIC_VERSION = '2023-06-01';
export const MESSAGES_PATH = '/v1/messages';

export function anthropicHeaders(deployment: Deployment): Record<string, string> {
  return {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    ...(deployment.apiKey ? { 'x-api-key': deployment.apiKey } : {}),
    ...deployment.headers,
  };
}
