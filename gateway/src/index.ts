export { buildApp, type BuildAppOptions } from './app.js';
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { loadConfig, resolveConfig, ConfigError, type GatewayConfig, type ModelRoute } from './config/load.js';
export { FileKeyStore, hashKey, type KeyStore, type KeyRecord } from './auth/key-store.js';
export { GatewayError, ERROR_CODES, type ErrorCode } from './errors.js';
export type { ProviderAdapter, ApiFormat, Deployment, UpstreamRequest, UpstreamResponse, CallOutcome } from './providers/provider.js';
