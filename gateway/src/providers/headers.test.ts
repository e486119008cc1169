import { describe, expect, it } from 'vitest';
import { passedResponseHeaders, withForwardedHeaders } from './headers.js';
import type { Deployment } from './provider.js';

const deployment = { id: 'd', provider: 'anthropic', baseUrl: 'http://x', upstreamModel: 'm', timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 } } as Deployment;

describe('response headers', () => {
  it('passes what SDKs read, and the request id under the caller SDK\'s name when translated', () => {
    const upstream = { 'request-id': 'req_1', 'anthropic-ratelimit-requests-remaining': '9', 'anthropic-organization-id': 'org', 'set-cookie': ['a'], 'x-should-retry': 'true' };
    expect(passedResponseHeaders(upstream, 'anthropic.messages', 'anthropic.messages')).toEqual({ 'request-id': 'req_1', 'anthropic-ratelimit-requests-remaining': '9', 'x-should-retry': 'true' });
    expect(passedResponseHeaders(upstream, 'anthropic.messages', 'openai.chat')).toMatchObject({ 'request-id': 'req_1', 'x-request-id': 'req_1' });
    expect(passedResponseHeaders({ 'x-request-id': 'req_2', 'openai-processing-ms': '5' }, 'openai.chat', 'anthropic.messages')).toEqual({ 'x-request-id': 'req_2', 'openai-processing-ms': '5', 'request-id': 'req_2' });
  });
});

describe('request headers', () => {
  it('forwards Anthropic headers only to a same-format call, merging betas with the deployment\'s, and the allow-list always', () => {
    const base = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a' };
    const client = { 'anthropic-beta': 'b,a', 'anthropic-version': '2024-01-01', 'openai-organization': 'org', authorization: 'Bearer alk' };
    expect(withForwardedHeaders(base, deployment, client, true)).toEqual({ 'x-api-key': 'k', 'anthropic-version': '2024-01-01', 'anthropic-beta': 'a,b' });
    expect(withForwardedHeaders(base, deployment, client, false)).toBe(base);
    expect(withForwardedHeaders(base, { ...deployment, forwardHeaders: ['openai-organization'] }, client, false)).toEqual({ ...base, 'openai-organization': 'org' });
  });
});
