export { AirlockError, isAirlockError } from './airlock-error.js';
export { HttpError, isHttpError, readErrorBody, type GatewayErrorBody } from './http-error.js';
export { PolicyDeniedError, POLICY_DENIED_CODES } from './policy-denied-error.js';
export { TimeoutError } from './timeout-error.js';
export { NetworkError } from './network-error.js';
