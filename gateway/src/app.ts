/**
 * buildApp assembles the gateway from its config; it never listens (server.ts does), so tests can inject or listen
 * on port 0 as they need.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { PriceTable, openStore, type TraceStore } from '@airlock/clickhouse';
import { ClickHouseKeyStore } from './auth/clickhouse-key-store.js';
import { createKeyAdmin } from './auth/key-admin.js';
import { FileKeyStore, type KeyStore } from './auth/key-store.js';
import { createAuthenticator } from './auth/principal.js';
import type { GatewayConfig } from './config/load.js';
import { GatewayError, renderError, type ErrorShape } from './errors.js';
import { Sealer } from './crypto/sealed.js';
import { limitJsonDepth } from './json-body.js';
import type { StageDeps } from './pipeline/deps.js';
import { Forwarder } from './pipeline/forward.js';
import { Pipeline } from './pipeline/pipeline.js';
import type { Stage } from './pipeline/stage.js';
import { apiStages, mcpStages, modelStages } from './pipeline/stages.js';
import { createMcpRuntime, type McpRuntime } from './mcp/runtime.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { Resumer, type SuspendedCall } from './pipeline/suspend.js';
import type { Answer } from './pipeline/stage.js';
import { createProviders, type Providers } from './providers/registry.js';
import { createGatewayMetrics } from './metrics/gateway-metrics.js';
import { registerAdminRoutes, type AdminRoute } from './routes/admin/index.js';
import { registerApiProxy } from './routes/api-proxy.js';
import { Router } from './routing/router.js';
import { OtlpExporter } from './telemetry/otlp.js';
import { PolicyHolder, loadBundle, type ReloadResult } from './policy/policy-engine.js';
import { UsageTracker } from './policy/usage.js';
import { registerV1Routes } from './routes/v1/index.js';
import { Approvals } from './approvals/service.js';
import { MCP_TOOL_KIND, mcpToolExecutor } from './pipeline/mcp-hold.js';
import { beginExecution, collect } from './approvals/hold.js';
import { TOOL_CALL_KIND, toolCallExecutor } from './approvals/answer-hold.js';
import { reevaluate } from './pipeline/policy.js';
import { reevaluateToolCall } from './pipeline/response-policy.js';

export interface BuildAppOptions {
  readonly config: GatewayConfig;
  readonly keyStore?: KeyStore;
  readonly providers?: Providers;
  /** Changes a declared stage list (pipeline/stages.ts) before it is used: embedders and tests add stages here. */
  readonly stages?: (pipeline: 'model' | 'api' | 'mcp', declared: Stage[]) => Stage[];
  /** A store opened by the caller (which then closes it); by default the app opens the config's store. */
  readonly store?: TraceStore | null;
  readonly logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    shape?: ErrorShape;
  }
  interface FastifyInstance {
    /**
     * What embedders and tests may reach: the key store and the trace store in use, the admin routes, and `resume`,
     * which runs a suspended call (pipeline/suspend.ts) on from where it stopped and gives its answer.
     */
    airlock: {
      readonly keys: KeyStore;
      readonly store: TraceStore | null;
      readonly adminRoutes: readonly AdminRoute[];
      /** Held calls; null without a store. */
      readonly approvals: Approvals | null;
      readonly mcp: McpRuntime;
      resume(record: SuspendedCall | unknown): Promise<Answer>;
    };
  }
}

function shapeFor(url: string, configured: ErrorShape | undefined): ErrorShape {
  return configured ?? (url.startsWith('/v1/messages') ? 'anthropic' : /^\/mcp(?:[/?]|$)/.test(url) ? 'mcp' : 'openai');
}

/** Fastify's own errors (body parsing, limits) in our codes. */
function toGatewayError(error: FastifyError): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = error.statusCode ?? 500;
  if (status === 413) return new GatewayError('GW_ERR_BODY_TOO_LARGE', 'The request body is larger than the gateway accepts.');
  if (status === 415) return new GatewayError('GW_ERR_UNSUPPORTED_MEDIA_TYPE', `Unsupported content type: ${error.message}`);
  if (status === 400 && (error.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError)) {
    return new GatewayError('GW_ERR_MALFORMED_JSON', `The request body is not valid JSON: ${error.message}`);
  }
  if (status >= 400 && status < 500) return new GatewayError('GW_ERR_INVALID_REQUEST', error.message, { status });
  return new GatewayError('GW_ERR_INTERNAL', 'Internal gateway error.', { cause: error });
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  const providers = options.providers ?? createProviders();
  const store = options.store !== undefined ? options.store : config.store
        ? await openStore({
            ...config.store,
            onError: (e) => app.log.warn({ err: e }, 'trace store write failed'),
            // Each signed checkpoint also goes to the log, so a log shipper carries it out of this machine.
            audit: { ...config.store.audit, onCheckpoint: (checkpoint) => app.log.info({ audit_checkpoint: checkpoint }, 'audit checkpoint') },
          })
        : null;
  const keyStore = options.keyStore ?? (store ? new ClickHouseKeyStore(store.keys) : new FileKeyStore(config.keysFile));
  const router = new Router();
  const metrics = createGatewayMetrics(router, store);
  for (const model of new Set(config.models.values())) router.register(model);
  /** Every reload, by an admin or by the file watcher, accepted or refused, is an administrative act on the record. */
  const auditReload = (r: ReloadResult): void => {
    app.log.info(r, 'policy bundle reload');
    const action = r.ok ? 'policy.reloaded' : 'policy.refused';
    store?.audit.append({ tenant: config.tenant, actor: r.actor, action, subject: r.revision, details: { previous: r.previous, ...(r.error ? { error: r.error.slice(0, 500) } : {}) } });
  };
  const sealer = new Sealer(config.encryption);
  const approvals = store ? new Approvals({ store, sealer, config: config.approvals, log: app.log }) : null;
  const deps: StageDeps = {
    config,
    approvals,
    authenticator: createAuthenticator({ store: keyStore, adminKey: config.adminKey, tenant: config.tenant }),
    providers,
    router,
    metrics,
    store,
    exporter: config.otlpEndpoint ? new OtlpExporter(config.otlpEndpoint) : null,
    prices: store?.prices ?? PriceTable.load(),
    policy: config.policy ? new PolicyHolder(await loadBundle(config.policy.bundleDir), auditReload) : null,
    usage: new UsageTracker(),
    mcp: await createMcpRuntime(config.mcp, app.log),
    log: app.log,
  };
  if (config.policy?.failOpen) app.log.warn('policy fail_open is on: an engine error lets calls through (logged on each use)');
  if (config.policy?.watch) deps.policy?.watch();
  const forwarder = new Forwarder();
  const stageList = (name: 'model' | 'api' | 'mcp', declared: Stage[]): Pipeline =>
    new Pipeline(name, options.stages ? options.stages(name, declared) : declared, metrics.stageSeconds, sealer);
  const pipelines = { deps, model: stageList('model', modelStages(deps)), api: stageList('api', apiStages(deps, forwarder)), mcp: stageList('mcp', mcpStages(deps)) };
  const resumer = new Resumer(new Map([pipelines.model, pipelines.api].map((p) => [p.name, p])), deps);
  // An approved call nobody waits for here (async, a caller gone, one reloaded at start) runs from its record.
  approvals?.register('call', async (state, claimId) => {
    const answer = await resumer.resume(state.record.payload, { prepare: (ctx) => beginExecution(ctx, state, claimId, approvals, (c) => reevaluate(c, deps)) });
    return collect(answer);
  });
  // An approved tool call of a model's answer whose answer has gone (async, a waiter gone): its release is the result.
  approvals?.register(TOOL_CALL_KIND, toolCallExecutor(approvals, (call, request, id) => reevaluateToolCall(deps, call, request, id)));
  // An approved MCP tool call nobody waits for runs on an upstream session of its own.
  approvals?.register(MCP_TOOL_KIND, mcpToolExecutor({ mcp: deps.mcp, approvals }));
  const adminRoutes: AdminRoute[] = [];
  app.decorate('airlock', { keys: keyStore, store, adminRoutes, approvals, mcp: deps.mcp, resume: (record: unknown) => resumer.resume(record) });
  limitJsonDepth(app);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const ge = toGatewayError(error);
    if (ge.code === 'GW_ERR_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return reply.code(ge.status).headers(ge.headers).send(renderError(ge, shapeFor(request.url, request.routeOptions.config.shape)));
  });
  app.setNotFoundHandler((request, reply) => {
    const ge = new GatewayError('GW_ERR_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`);
    return reply.code(404).send(renderError(ge, shapeFor(request.url, undefined)));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(registerV1Routes, pipelines);
  await app.register(registerApiProxy, pipelines);
  await app.register(registerMcpRoutes, pipelines);
  await app.register(registerAdminRoutes, { deps, keys: createKeyAdmin(keyStore, store?.audit ?? null), registered: adminRoutes });

  // Pending approvals are reloaded (and watched) before the gateway takes calls.
  if (approvals) {
    app.addHook('onReady', () => approvals.start());
  }
  app.addHook('onClose', async () => {
    await approvals?.close();
    await providers.close();
    await forwarder.close();
    await deps.mcp.close();
    await deps.exporter?.close();
    deps.policy?.close();
    if (store && options.store === undefined) await store.close();
  });
  return app;
}
