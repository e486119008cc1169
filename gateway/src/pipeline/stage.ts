/**
 * The request pipeline, as data: one ordered list of stages. Every call (model or API) runs these in order;
 * a stage that throws stops the call with its error. A stage may also ask to hear when the call has finished
 * (response sent, stream ended, or failed) through `finish`, which is how the trace gets recorded.
 */
import type { CallContext } from './call-context.js';
import type { StageDeps } from './deps.js';

export const STAGE_IDS = ['authenticate', 'context', 'policy', 'redact', 'route', 'record'] as const;
export type StageId = (typeof STAGE_IDS)[number];

export interface Stage {
  readonly id: StageId;
  /** Runs before the response; throw a GatewayError to refuse the call. */
  run?(ctx: CallContext, deps: StageDeps): void | Promise<void>;
  /** Runs once the call is over, whatever its result; must not throw. */
  finish?(ctx: CallContext, deps: StageDeps): void | Promise<void>;
}
