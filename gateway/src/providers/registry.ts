/**
 * ProviderKind → adapter, exhaustively typed: adding a kind without an adapter fails to compile.
 */
import { createAnthropicAdapter } from './anthropic/index.js';
import { createDemoAdapter } from './demo/index.js';
import { HttpClient } from './http/client.js';
import { createOpenAIAdapter } from './openai/index.js';
import type { Deployment, ProviderAdapter, ProviderKind } from './provider.js';

export interface Providers {
  get(kind: ProviderKind): ProviderAdapter;
  /** The adapter serving a deployment, as the router asks for it (one function for every call, not one per call). */
  readonly forDeployment: (deployment: Deployment) => ProviderAdapter;
  close(): Promise<void>;
}

export function createProviders(): Providers {
  const http = new HttpClient();
  const adapters: Record<ProviderKind, ProviderAdapter> = {
    openai: createOpenAIAdapter(http),
    anthropic: createAnthropicAdapter(http),
    demo: createDemoAdapter(),
  };
  return {
    get: (kind) => adapters[kind],
    forDeployment: (deployment) => adapters[deployment.provider],
    close: () => http.close(),
  };
}
