import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { StoreOptions } from '@airlock/clickhouse';
import { DEFAULT_BUNDLE_DIR } from '@airlock/policies';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { Deployment, ProviderKind } from '../providers/provider.js';
import { DEFAULT_BREAKER, type BreakerOptions } from '../routing/breaker.js';
import { DEFAULT_RETRY, DEFAULT_SYSTEM_RETRY, type RetryOptions } from '../routing/retry.js';
import type { Strategy } from '../routing/strategy.js';
import { parseKey } from '../crypto/sealed.js';
import type { RedactionPlan } from '../redaction/modes.js';
import { ConfigFileSchema, DEFAULT_CONFIG, DEFAULT_TIMEOUTS, type ConfigFile } from './schema.js';

export interface SystemTarget {
  readonly name: string;
  readonly baseUrl: string;
  readonly methods: ReadonlySet<string>;
  readonly headers: Readonly<Record<string, string>>;
  /** Whether PII is redacted before the system gets the call (pipeline/api-redact.ts). */
  readonly redact: boolean;
  /** Acts once per Idempotency-Key: an interrupted approved call may be sent again under the same key. */
  readonly idempotencyKeys: boolean;
  /** `onTimeout` is unused: the forwarder sets no timeouts of its own. */
  readonly retry: RetryOptions;
}

/** An MCP server the gateway serves at /mcp/:name: remote over Streamable HTTP, or a local process over stdio. */
export type McpServerTarget = {
  readonly name: string;
  readonly external: boolean;
  readonly timeoutMs: number;
} & (
  | { readonly transport: 'http'; readonly url: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly transport: 'stdio'; readonly command: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly cwd: string | undefined }
);

export interface McpConfig {
  readonly servers: ReadonlyMap<string, McpServerTarget>;
  readonly aggregate: { readonly default: readonly string[]; readonly teams: ReadonlyMap<string, readonly string[]>; readonly keys: ReadonlyMap<string, readonly string[]> };
  readonly pinning: { readonly unapproved: 'allow' | 'hide'; readonly changed: 'hide' | 'hold'; readonly file: string };
  readonly maxMessageBytes: number;
  readonly sessionIdleMs: number;
}

export interface RoutingPolicy {
  readonly strategy: Strategy;
  readonly retry: RetryOptions;
  /** Whether a failed call moves on to the next deployment; retries on one deployment are `retry`'s. */
  readonly fallback: boolean;
  readonly breaker: BreakerOptions;
  readonly deadlineMs: number;
}

export interface ModelRoute {
  /** The canonical model name (aliases resolve to it). */
  readonly name: string;
  readonly ownedBy: string;
  readonly deployments: readonly (Deployment & { readonly weight: number })[];
  readonly routing: RoutingPolicy;
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  /** Model name or alias → route. */
  readonly models: ReadonlyMap<string, ModelRoute>;
  readonly systems: ReadonlyMap<string, SystemTarget>;
  readonly mcp: McpConfig;
  readonly keysFile: string;
  /** The policy bundle; null when policies are disabled. */
  readonly policy: {
    readonly bundleDir: string;
    readonly failOpen: boolean;
    readonly watch: boolean;
    readonly maxSteps: number;
    readonly refusedToolCalls: 'strip' | 'error';
  } | null;
  /** The redaction applied to model calls; null when disabled. */
  readonly redaction: { readonly plan: Omit<RedactionPlan, 'hashKey'>; readonly hashSecret: string } | null;
  /** OTLP/HTTP collector the gateway's spans are exported to (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly otlpEndpoint: string | undefined;
  /** The trace store; null records nothing. Keys live in it too when it is set. */
  readonly store: StoreOptions | null;
  readonly tenant: string;
  readonly adminKey: string | undefined;
  /** The key that seals suspended calls (pipeline/sealed.ts): AIRLOCK_ENCRYPTION_KEY, else a key file. */
  readonly encryption: { readonly key: string | undefined; readonly file: string };
  readonly approvals: ApprovalsConfig;
}

export interface ApprovalsConfig {
  readonly maxWaitMs: number;
  readonly keepaliveMs: number;
  readonly pollMs: number;
  readonly settleMs: number;
  readonly leaseMs: number;
  readonly callbackHosts: readonly string[];
  readonly callbackSecret: string | undefined;
  /** Approver role → the webhook told of its approvals. */
  readonly notify: ReadonlyMap<string, { readonly url: string; readonly secret: string }>;
}

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

const DEFAULT_BASE_URLS: Record<ProviderKind, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  demo: 'demo://local',
};

function expandEnv(value: string, env: Readonly<Record<string, string | undefined>>, where: string, problems: string[]): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) problems.push(`${where}: environment variable ${name} is not set`);
    return v ?? '';
  });
}

/** Validates a parsed config document and resolves it against the environment. */
export function resolveConfig(
  raw: unknown,
  options: { source: string; env: Readonly<Record<string, string | undefined>>; baseDir: string },
): GatewayConfig {
  const parsed = ConfigFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(options.source, describeIssues(parsed.error.issues));
  const file: ConfigFile = parsed.data;
  const problems: string[] = [];
  const models = new Map<string, ModelRoute>();

  for (const [name, model] of Object.entries(file.models)) {
    const deployments = model.deployments.flatMap((d, i) => {
      const where = `models.${name}.deployments.${i}`;
      const provider = file.providers[d.provider];
      if (!provider) {
        problems.push(`${where}.provider: unknown provider "${d.provider}" (define it under providers)`);
        return [];
      }
      let apiKey: string | undefined;
      if (provider.api_key_env) {
        apiKey = options.env[provider.api_key_env];
        if (!apiKey) problems.push(`providers.${d.provider}.api_key_env: environment variable ${provider.api_key_env} is not set`);
      }
      const t = { ...DEFAULT_TIMEOUTS, ...provider.timeouts, ...d.timeouts };
      const headers = Object.fromEntries(
        Object.entries(provider.headers ?? {}).map(([k, v]) => [k, expandEnv(v, options.env, `providers.${d.provider}.headers.${k}`, problems)]),
      );
      return [
        {
          id: d.id ?? `${d.provider}/${d.model}${model.deployments.length > 1 ? `#${i}` : ''}`,
          provider: provider.kind,
          baseUrl: (provider.base_url ?? DEFAULT_BASE_URLS[provider.kind]).replace(/\/+$/, ''),
          upstreamModel: d.model,
          apiKey,
          headers,
          ...(provider.forward_headers?.length ? { forwardHeaders: provider.forward_headers } : {}),
          region: d.region,
          weight: d.weight,
          timeouts: { connectMs: t.connect_ms, firstByteMs: t.first_byte_ms, idleMs: t.idle_ms, totalMs: t.total_ms },
        },
      ];
    });
    const r = model.retry;
    const b = model.breaker;
    const routing: RoutingPolicy = {
      strategy: model.strategy,
      retry: {
        maxAttempts: r.max_attempts ?? DEFAULT_RETRY.maxAttempts,
        baseDelayMs: r.base_delay_ms ?? DEFAULT_RETRY.baseDelayMs,
        maxDelayMs: r.max_delay_ms ?? DEFAULT_RETRY.maxDelayMs,
        onTimeout: r.on_timeout ?? DEFAULT_RETRY.onTimeout,
      },
      fallback: model.fallback,
      breaker: {
        failureThreshold: b.failure_threshold ?? DEFAULT_BREAKER.failureThreshold,
        errorRate: b.error_rate ?? DEFAULT_BREAKER.errorRate,
        window: b.window ?? DEFAULT_BREAKER.window,
        minCalls: b.min_calls ?? DEFAULT_BREAKER.minCalls,
        cooldownMs: b.cooldown_ms ?? DEFAULT_BREAKER.cooldownMs,
      },
      deadlineMs: model.deadline_ms,
    };
    const route: ModelRoute = { name, ownedBy: model.owned_by, deployments, routing };
    for (const key of [name, ...model.aliases]) {
      if (models.has(key)) problems.push(`models.${name}: name or alias "${key}" is already used`);
      models.set(key, route);
    }
  }

  const systems = new Map<string, SystemTarget>();
  for (const [name, s] of Object.entries(file.systems)) {
    const headers = Object.fromEntries(
      Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), expandEnv(v, options.env, `systems.${name}.headers.${k}`, problems)]),
    );
    const retry: RetryOptions = {
      maxAttempts: s.retry.max_attempts ?? DEFAULT_SYSTEM_RETRY.maxAttempts,
      baseDelayMs: s.retry.base_delay_ms ?? DEFAULT_SYSTEM_RETRY.baseDelayMs,
      maxDelayMs: s.retry.max_delay_ms ?? DEFAULT_SYSTEM_RETRY.maxDelayMs,
      onTimeout: false,
    };
    systems.set(name, { name, baseUrl: s.base_url.replace(/\/+$/, ''), methods: new Set(s.methods), headers, redact: s.redact, idempotencyKeys: s.idempotency_keys, retry });
  }

  const mcpServers = new Map<string, McpServerTarget>();
  for (const [name, m] of Object.entries(file.mcp.servers)) {
    const expand = (field: string, values: Record<string, string>, lower: boolean) =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [lower ? k.toLowerCase() : k, expandEnv(v, options.env, `mcp.servers.${name}.${field}.${k}`, problems)]));
    const common = { name, external: m.external, timeoutMs: m.timeout_ms };
    if ('url' in m) mcpServers.set(name, { ...common, transport: 'http', url: m.url, headers: expand('headers', m.headers, true) });
    else mcpServers.set(name, { ...common, transport: 'stdio', command: m.command, args: m.args, env: expand('env', m.env, false), cwd: m.cwd === undefined ? undefined : resolve(options.baseDir, m.cwd) });
  }
  const agg = file.mcp.aggregate;
  const serverList = (where: string, names: readonly string[]): readonly string[] => {
    for (const n of names) if (!mcpServers.has(n)) problems.push(`mcp.aggregate.${where}: unknown MCP server "${n}"`);
    return names;
  };
  const aggregate = {
    default: agg.default ? serverList('default', agg.default) : [...mcpServers.keys()],
    teams: new Map(Object.entries(agg.teams).map(([team, names]) => [team, serverList(`teams.${team}`, names)] as const)),
    keys: new Map(Object.entries(agg.keys).map(([key, names]) => [key, serverList(`keys.${key}`, names)] as const)),
  };

  let store: StoreOptions | null = null;
  const retention = { metadataDays: file.retention.metadata_days, bodyDays: file.retention.body_days };
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(options.baseDir, p));
  const durability = (s: { wal_dir?: string | undefined; fsync_ms?: number | undefined }) => ({
    ...(s.wal_dir ? { walDir: at(s.wal_dir) } : {}),
    ...(s.fsync_ms !== undefined ? { fsyncMs: s.fsync_ms } : {}),
  });
  if (file.store.kind === 'embedded') {
    const path = at(file.store.path);
    store = { kind: 'embedded', path, retention, ...durability(file.store) };
  } else if (file.store.kind === 'server') {
    const s = file.store;
    const password = s.password_env ? options.env[s.password_env] : undefined;
    if (s.password_env && password === undefined) problems.push(`store.password_env: environment variable ${s.password_env} is not set`);
    store = { kind: 'server', url: s.url, database: s.database, username: s.username, ...(password ? { password } : {}), ...(s.cluster ? { cluster: s.cluster } : {}), ...(s.start_wait_ms !== undefined ? { startWaitMs: s.start_wait_ms } : {}), retention, walDir: at(s.wal_dir ?? 'data/wal'), ...durability(s) };
  }

  if (store) {
    const a = file.audit;
    const at = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolve(options.baseDir, path));
    const [keyFile, signingKeyFile, checkpointFile] = [at(a.key_file), at(a.signing_key_file), at(a.checkpoint_file)];
    const hmacKey = options.env.AIRLOCK_AUDIT_KEY || undefined;
    const signingKey = options.env.AIRLOCK_AUDIT_SIGNING_KEY || undefined;
    store = {
      ...store,
      audit: {
        ...(hmacKey ? { hmacKey } : {}),
        ...(signingKey ? { signingKey } : {}),
        ...(keyFile ? { hmacKeyFile: keyFile } : {}),
        ...(signingKeyFile ? { signingKeyFile } : {}),
        ...(checkpointFile ? { checkpointFile } : {}),
        checkpointIntervalMs: Math.round(a.checkpoint_interval_s * 1000),
      },
    };
  }

  const r = file.redaction;
  const usesHash = r.mode === 'hash' || Object.values(r.modes).includes('hash');
  const hashSecret = r.hash_secret_env ? options.env[r.hash_secret_env] : undefined;
  if (usesHash && !hashSecret) problems.push(`redaction.hash_secret_env: hash mode needs a secret; name an environment variable that holds one`);
  const redaction = r.enabled
    ? { plan: { entities: new Set(r.entities), mode: r.mode, modes: r.modes, tier: r.tier, output: r.output, onUnsafeStream: r.on_unsafe_stream }, hashSecret: hashSecret ?? '' }
    : null;

  const encryptionKey = options.env.AIRLOCK_ENCRYPTION_KEY || undefined;
  if (encryptionKey) {
    try {
      parseKey(encryptionKey, 'AIRLOCK_ENCRYPTION_KEY');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const a = file.approvals;
  const callbackSecret = a.callback_secret_env ? options.env[a.callback_secret_env] : undefined;
  if (a.callback_secret_env && !callbackSecret) problems.push(`approvals.callback_secret_env: environment variable ${a.callback_secret_env} is not set`);
  if (a.callback_hosts.length && !callbackSecret) problems.push('approvals.callback_hosts: callbacks are signed; set callback_secret_env');
  const notify = new Map<string, { url: string; secret: string }>();
  for (const [role, hook] of Object.entries(a.notify)) {
    const secret = options.env[hook.secret_env];
    if (!secret) problems.push(`approvals.notify.${role}.secret_env: environment variable ${hook.secret_env} is not set`);
    else notify.set(role, { url: hook.url, secret });
  }
  const approvals: ApprovalsConfig = {
    maxWaitMs: a.max_wait_ms,
    keepaliveMs: a.keepalive_ms,
    pollMs: a.poll_ms,
    settleMs: a.settle_ms,
    leaseMs: a.lease_ms,
    callbackHosts: a.callback_hosts.map((h) => h.toLowerCase()),
    callbackSecret,
    notify,
  };

  if (problems.length) throw new ConfigError(options.source, problems);
  const keysFile = isAbsolute(file.keys.file) ? file.keys.file : resolve(options.baseDir, file.keys.file);
  const policy = file.policy.enabled
    ? {
        bundleDir: file.policy.bundle ? (isAbsolute(file.policy.bundle) ? file.policy.bundle : resolve(options.baseDir, file.policy.bundle)) : DEFAULT_BUNDLE_DIR,
        failOpen: file.policy.fail_open,
        watch: file.policy.watch,
        maxSteps: file.policy.max_steps,
        refusedToolCalls: file.policy.refused_tool_calls,
      }
    : null;
  return {
    policy,
    redaction,
    host: file.server.host,
    port: file.server.port,
    bodyLimitBytes: file.server.body_limit_bytes,
    models,
    systems,
    mcp: {
      servers: mcpServers,
      aggregate,
      pinning: {
        unapproved: file.mcp.pinning.unapproved,
        changed: file.mcp.pinning.changed,
        file: file.mcp.pinning.file ? resolve(options.baseDir, file.mcp.pinning.file) : join(dirname(keysFile), 'mcp-pins.json'),
      },
      maxMessageBytes: file.mcp.max_message_bytes,
      sessionIdleMs: file.mcp.session_idle_s * 1000,
    },
    keysFile,
    store,
    otlpEndpoint: options.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    tenant: file.keys.tenant,
    adminKey: options.env.AIRLOCK_ADMIN_KEY || undefined,
    approvals,
    encryption: {
      key: encryptionKey,
      file: options.env.AIRLOCK_ENCRYPTION_KEY_FILE ? resolve(options.baseDir, options.env.AIRLOCK_ENCRYPTION_KEY_FILE) : join(dirname(keysFile), 'encryption.key'),
    },
  };
}

/** Reads a YAML or JSON config file; with no path, the built-in demo config. */
export async function loadConfig(
  path: string | undefined,
  options: { env: Readonly<Record<string, string | undefined>>; cwd: string },
): Promise<GatewayConfig> {
  if (!path) return resolveConfig(DEFAULT_CONFIG, { source: '(built-in default)', env: options.env, baseDir: options.cwd });
  const full = resolve(options.cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new ConfigError(full, [`cannot read file: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = extname(full) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(full, [`not valid ${extname(full) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return resolveConfig(raw, { source: full, env: options.env, baseDir: resolve(full, '..') });
}
