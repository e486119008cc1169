export { createAirlock, type Airlock } from './client.js';
export type { AirlockOptions, NormalizedOptions, FetchLike } from './core/options.js';
export { HEADERS } from './core/constants.js';
export { currentContext, type WorkflowContext } from './core/context.js';
export type { WrappableClient } from './core/wrap.js';
export type { Workflow, WorkflowRun, StepInfo, RunOptions } from './workflow/workflow.js';
export { APPROVAL_STATUSES, FINAL_APPROVAL_STATUSES, type Approval, type ApprovalStatus, type ApprovalsClient, type WaitOptions } from './approvals/approvals.js';
export { signWebhook, verifyWebhook, WebhookVerificationError, DEFAULT_WEBHOOK_TOLERANCE_S, type VerifyOptions } from './approvals/webhook.js';
export { AirlockError, isAirlockError, HttpError, isHttpError, PolicyDeniedError, TimeoutError, NetworkError } from './errors/index.js';
