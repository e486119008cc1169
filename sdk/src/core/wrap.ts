/**
 * Adds workflow context to an official OpenAI or Anthropic client without changing how it is used. Both SDKs
 * accept a `fetch` and copy themselves with `withOptions`, so the wrapped client is a new instance whose requests
 * carry the context of whatever code is running when they are sent (not when the client was wrapped).
 */
import { AirlockError } from '../errors/airlock-error.js';
import { contextHeaders, currentContext, mergeContext, type WorkflowContext } from './context.js';
import type { FetchLike } from './options.js';

/** What `wrap` needs of a client: the official `openai` and `@anthropic-ai/sdk` clients have both. */
export interface WrappableClient {
  withOptions(options: { fetch?: FetchLike }): unknown;
}

/** Headers already on the request win: a call that names its own step keeps it. */
export function addContextHeaders(init: RequestInit | undefined, context: WorkflowContext): RequestInit {
  const headers = new Headers(init?.headers);
  for (const [name, value] of Object.entries(contextHeaders(context))) if (!headers.has(name)) headers.set(name, value);
  return { ...init, headers };
}

export function contextFetch(inner: FetchLike, context: WorkflowContext = {}): FetchLike {
  return (input, init) => inner(input, addContextHeaders(init, mergeContext(currentContext(), context)));
}

export function wrapClient<C extends WrappableClient>(client: C, context: WorkflowContext = {}): C {
  if (typeof client?.withOptions !== 'function') {
    throw new AirlockError('wrap() takes an official OpenAI or Anthropic client (one with withOptions); use headers() for other clients.');
  }
  // The SDKs keep the fetch they were given as an instance field; fall back to the global one as they do.
  const inner = (client as { fetch?: FetchLike }).fetch ?? ((input, init) => globalThis.fetch(input, init));
  return client.withOptions({ fetch: contextFetch(inner, context) }) as C;
}
