import type { PriceTable, TraceStore } from '@airlock/clickhouse';
import type { Authenticator } from '../auth/principal.js';
import type { GatewayConfig } from '../config/load.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { McpRuntime } from '../mcp/runtime.js';
import type { Providers } from '../providers/registry.js';
import type { Router } from '../routing/router.js';
import type { OtlpExporter } from '../telemetry/otlp.js';
import type { PolicyHolder } from '../policy/policy-engine.js';
import type { UsageTracker } from '../policy/usage.js';
import type { Approvals } from '../approvals/service.js';

/** What stages may use: injected once when the app is built, never imported as singletons. */
export interface StageDeps {
  readonly config: GatewayConfig;
  readonly authenticator: Authenticator;
  readonly providers: Providers;
  readonly router: Router;
  readonly metrics: GatewayMetrics;
  /** Null when the config records nothing (`store: { kind: none }`). */
  readonly store: TraceStore | null;
  readonly exporter: OtlpExporter | null;
  readonly prices: PriceTable;
  /** The live policy bundle; null when policies are disabled. */
  readonly policy: PolicyHolder | null;
  readonly usage: UsageTracker;
  /** Held calls (approvals/): null without a store, where a hold stays a 403. */
  readonly approvals: Approvals | null;
  /** MCP servers, client sessions and tool pins. */
  readonly mcp: McpRuntime;
  /** Structured log lines (the server's logger). */
  readonly log: { warn(details: object, message: string): void };
}
