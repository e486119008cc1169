import { HttpError } from './http-error.js';

/**
 * A policy refused the call (403 `GW_ERR_POLICY_DENIED`), or an approver rejected it. Carries the reason the
 * gateway gave and the call id, never the prompt.
 */
export class PolicyDeniedError extends HttpError {
  override name = 'PolicyDeniedError';
  get reason(): string {
    return this.message.replace(/^.*? answered 403: /, '');
  }
}

export const POLICY_DENIED_CODES: ReadonlySet<string> = new Set(['GW_ERR_POLICY_DENIED', 'GW_ERR_APPROVAL_REJECTED']);
