import { createAdminClient, type AdminClient } from './admin/admin-client.js';
import { createApprovalsClient, type ApprovalsClient } from './approvals/approvals.js';
import { contextHeaders, currentContext, mergeContext, type WorkflowContext } from './core/context.js';
import { normalizeOptions, type AirlockOptions, type NormalizedOptions } from './core/options.js';
import { contextFetch, wrapClient, type WrappableClient } from './core/wrap.js';
import { SpanExporter } from './workflow/span-exporter.js';
import { createWorkflow, type Workflow } from './workflow/workflow.js';
import type { FetchLike } from './core/options.js';

/**
 * One configured Airlock client. Immutable: `extend` returns a new one.
 * @example
 * const airlock = createAirlock({ baseURL: 'http://127.0.0.1:8080', apiKey: 'alk_…' });
 * const openai = airlock.wrap(new OpenAI({ baseURL: 'http://127.0.0.1:8080/v1', apiKey: 'alk_…' }));
 * await airlock.workflow('loan-application').run(async (run) => {
 *   await run.step('data-capture', () => openai.chat.completions.create({ model: 'demo-1', messages }));
 * });
 */
export interface Airlock {
  readonly options: NormalizedOptions;
  /** The headers for the current context (plus `context`): workflow headers and `traceparent`, nothing else. */
  headers(context?: WorkflowContext): Record<string, string>;
  /** A copy of an official OpenAI or Anthropic client whose requests carry the current workflow context. */
  wrap<C extends WrappableClient>(client: C, context?: WorkflowContext): C;
  /** A `fetch` that adds the current workflow context, for any other HTTP client (Vercel AI SDK, LangChain, …). */
  fetch(context?: WorkflowContext): FetchLike;
  workflow(name: string): Workflow;
  readonly approvals: ApprovalsClient;
  /** The admin API (calls, runs, traces, metrics, keys, policies, audit); needs a key with an admin-API role. */
  readonly admin: AdminClient;
  extend(options: AirlockOptions): Airlock;
}

export function createAirlock(options: AirlockOptions = {}): Airlock {
  const normalized = normalizeOptions(options);
  const exporter = new SpanExporter(normalized, 'airlock-sdk');
  return {
    options: normalized,
    headers: (context) => contextHeaders(mergeContext(currentContext(), context)),
    wrap: (client, context) => wrapClient(client, context),
    fetch: (context) => contextFetch(normalized.fetch, context),
    workflow: (name) => createWorkflow(name, exporter),
    approvals: createApprovalsClient(normalized),
    admin: createAdminClient(normalized),
    extend: (more) => createAirlock({ ...options, ...more }),
  };
}
