/**
 * The gateway's config file (YAML or JSON). Raw options are validated once here; everything downstream sees the
 * normalised `GatewayConfig` from load.ts, with credentials already read from the environment.
 */
import { z } from 'zod';
import { ENTITY_TYPES } from '../redaction/types.js';
import { MODES } from '../redaction/modes.js';
import { STRATEGIES } from '../routing/strategy.js';

/** Where each call is logged before it is answered, and how often that log is forced to disk (see README). */
const durability = {
  /** Default: `wal` beside the embedded data directory, or data/wal for a server. */
  wal_dir: z.string().optional(),
  /** At most this many ms of answered calls are lost to a machine crash (a process kill loses none); 0 syncs before every answer. */
  fsync_ms: z.number().int().nonnegative().max(60_000).optional(),
};

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 600_000;
export const DEFAULT_TIMEOUTS = { connect_ms: 5_000, first_byte_ms: 60_000, idle_ms: 60_000, total_ms: 600_000 };

const TimeoutsSchema = z
  .object({
    connect_ms: z.number().int().positive(),
    first_byte_ms: z.number().int().positive(),
    idle_ms: z.number().int().positive(),
    total_ms: z.number().int().positive(),
  })
  .partial()
  .strict();

/** Headers that carry the caller's gateway key or define the connection: never forwarded upstream. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'host', 'connection', 'content-length', 'cookie', 'proxy-authorization']);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

const ProviderSchema = z
  .object({
    kind: z.enum(['openai', 'anthropic', 'demo']),
    base_url: z.url().optional(),
    api_key_env: envName.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    forward_headers: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
          .transform((h) => h.toLowerCase())
          .refine((h) => !CREDENTIAL_HEADERS.has(h) && !h.startsWith('x-airlock-'), 'credentials and Airlock headers are never forwarded'),
      )
      .optional()
      .describe('Caller request headers passed on to this provider, e.g. OpenAI-Organization, OpenAI-Project'),
    timeouts: TimeoutsSchema.optional(),
  })
  .strict();

const DeploymentSchema = z
  .object({
    id: z.string().min(1).optional(),
    provider: z.string().min(1),
    model: z.string().min(1).describe('The model name upstream'),
    region: z.string().optional(),
    weight: z.number().positive().default(1),
    timeouts: TimeoutsSchema.optional(),
  })
  .strict();

const ModelSchema = z
  .object({
    aliases: z.array(z.string().min(1)).default([]),
    strategy: z.enum(STRATEGIES).default('fallback'),
    retry: z
      .object({
        max_attempts: z.number().int().min(1).max(10).describe('Attempts on one deployment (1 = no retry); fallback deployments get their own'),
        base_delay_ms: z.number().int().min(0),
        max_delay_ms: z.number().int().min(0),
        on_timeout: z.boolean().describe('Repeat a call whose upstream timed out after receiving it (it may still run and be billed)'),
      })
      .partial()
      .strict()
      .default({}),
    fallback: z.boolean().default(true).describe("Move a failed call on to the model's next deployment (apart from retries)"),
    breaker: z
      .object({
        failure_threshold: z.number().int().min(1),
        error_rate: z.number().gt(0).max(1),
        window: z.number().int().min(1),
        min_calls: z.number().int().min(1),
        cooldown_ms: z.number().int().min(1),
      })
      .partial()
      .strict()
      .default({}),
    /** Caps all attempts of one call together. */
    deadline_ms: z.number().int().positive().default(DEFAULT_DEADLINE_MS),
    deployments: z.array(DeploymentSchema).min(1),
    /** Shown in GET /v1/models. */
    owned_by: z.string().default('airlock'),
  })
  .strict();

const SystemSchema = z
  .object({
    base_url: z.url(),
    methods: z
      .array(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']))
      .min(1)
      .default(['GET']),
    /** Headers the gateway adds; values may name environment variables as ${NAME}. */
    headers: z.record(z.string(), z.string()).default({}),
    retry: z
      .object({
        max_attempts: z.number().int().min(1).max(10).describe('Attempts in all (1 = no retry); POST and PATCH repeat only with an Idempotency-Key'),
        base_delay_ms: z.number().int().min(0),
        max_delay_ms: z.number().int().min(0),
      })
      .partial()
      .strict()
      .default({}),
  })
  .strict();

/** MCP server names are lower-case words; `__` is kept for the aggregated endpoint's prefixes (server__tool). */
const mcpServerName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]|_(?!_))*$/, 'MCP server names are lower-case words without "__"');

const McpCommon = {
  /** PII in this server's results is redacted before the agent sees it (policy input `call.mcp.external`). */
  external: z.boolean().default(false),
  /** A per-request timeout for calls to this server. */
  timeout_ms: z.number().int().positive().default(60_000),
};

const McpServerSchema = z.union([
  z
    .object({
      /** A remote server over Streamable HTTP. */
      url: z.url(),
      /** Headers the gateway adds (its credentials for the server); values may name environment variables as ${NAME}. */
      headers: z.record(z.string(), z.string()).default({}),
      ...McpCommon,
    })
    .strict(),
  z
    .object({
      /** A local server over stdio, started and supervised by the gateway. */
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      /** Its environment (values may name the gateway's environment variables as ${NAME}); nothing else is inherited but PATH and HOME. */
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional(),
      ...McpCommon,
    })
    .strict(),
]);

const McpSchema = z
  .object({
    servers: z.record(mcpServerName, McpServerSchema).default({}),
    /**
     * What the aggregated /mcp endpoint merges for a caller: its key's list, else its team's, else `default`
     * (all servers when unset). Policy filters the tools further.
     */
    aggregate: z
      .object({
        default: z.array(mcpServerName).optional(),
        teams: z.record(z.string(), z.array(mcpServerName)).default({}),
        keys: z.record(z.string(), z.array(mcpServerName)).default({}),
      })
      .strict()
      .default({ teams: {}, keys: {} }),
    /** Tool-definition pinning: what the gateway does with tools an admin has not approved in their current form. */
    pinning: z
      .object({
        /** Servers no admin has approved yet: `allow` serves their tools, `hide` hides them all until approved. */
        unapproved: z.enum(['allow', 'hide']).default('allow'),
        /** A tool whose definition changed (or appeared) since approval: hidden, or listed with its calls held. */
        changed: z.enum(['hide', 'hold']).default('hide'),
        /** Where approvals are kept; default mcp-pins.json beside the keys file. */
        file: z.string().optional(),
      })
      .strict()
      .default({ unapproved: 'allow', changed: 'hide' }),
    /** A JSON-RPC message larger than this is refused (413, JSON-RPC error); results larger are refused too. */
    max_message_bytes: z.number().int().positive().default(1024 * 1024),
    /** A session nobody used for this long is closed, with its upstream sessions. */
    session_idle_s: z.number().int().positive().default(1800),
  })
  .strict();

export const ConfigFileSchema = z
  .object({
    server: z
      .object({
        host: z.string().default(DEFAULT_HOST),
        port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
        body_limit_bytes: z.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES),
      })
      .strict()
      .default({ host: DEFAULT_HOST, port: DEFAULT_PORT, body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES }),
    providers: z.record(z.string().min(1), ProviderSchema).default({}),
    models: z.record(z.string().min(1), ModelSchema).default({}),
    systems: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'system names are lower-case words'), SystemSchema).default({}),
    keys: z
      .object({ file: z.string().default('data/keys.json'), tenant: z.string().default('default') })
      .strict()
      .default({ file: 'data/keys.json', tenant: 'default' }),
    store: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('embedded'), path: z.string().default('data/clickhouse'), ...durability }).strict(),
        z
          .object({
            kind: z.literal('server'),
            url: z.url(),
            database: z.string().default('default'),
            username: z.string().default('default'),
            password_env: envName.optional(),
            cluster: z.string().regex(/^[A-Za-z0-9_]+$/).optional(),
            /** How long start-up waits for a server that is not answering yet. */
            start_wait_ms: z.number().int().nonnegative().optional(),
            ...durability,
          })
          .strict(),
        z.object({ kind: z.literal('none') }).strict(),
      ])
      .default({ kind: 'embedded', path: 'data/clickhouse' })
      .describe('Where calls, spans and the audit trail are recorded; `none` records nothing'),
    audit: z
      .object({
        /** The HMAC key file, used when AIRLOCK_AUDIT_KEY is not set; generated (mode 0600) when missing. */
        key_file: z.string().optional(),
        /** The Ed25519 signing key file (PKCS#8 PEM), used when AIRLOCK_AUDIT_SIGNING_KEY is not set; generated when missing. */
        signing_key_file: z.string().optional(),
        /** The append-only JSON-lines file the signed checkpoints go to. */
        checkpoint_file: z.string().optional(),
        /** Seconds between checkpoints (each tenant whose trail moved gets one); 0: only at shutdown. */
        checkpoint_interval_s: z.number().nonnegative().default(60),
      })
      .strict()
      .default({ checkpoint_interval_s: 60 })
      .describe('Where the audit keys and signed checkpoints live: outside the store (default: beside the embedded data, or ./data)'),
    redaction: z
      .object({
        enabled: z.boolean().default(true),
        tier: z.enum(['fast', 'full']).default('fast'),
        entities: z.array(z.enum(ENTITY_TYPES)).default(['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'SSN', 'API_KEY', 'CREDENTIAL']),
        mode: z.enum(MODES).default('placeholder'),
        modes: z.partialRecord(z.enum(ENTITY_TYPES), z.enum(MODES)).default({}),
        hash_secret_env: envName.optional(),
        /** Also redact PII the model writes (masked), in buffered and streamed responses. */
        output: z.boolean().default(false),
        on_unsafe_stream: z.enum(['block', 'pass']).default('block'),
      })
      .strict()
      .default({ enabled: true, tier: 'fast', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'SSN', 'API_KEY', 'CREDENTIAL'], mode: 'placeholder', modes: {}, output: false, on_unsafe_stream: 'block' })
      .describe('PII redaction of model calls until a policy decision says otherwise'),
    policy: z
      .object({
        enabled: z.boolean().default(true),
        /** A bundle directory; default: the governance bundle shipped in policies/bundles/default. */
        bundle: z.string().optional(),
        fail_open: z.boolean().default(false),
        watch: z.boolean().default(true),
        /** Evaluation steps one decision may take: a runaway rule ends as an error (which fails closed). */
        max_steps: z.number().int().positive().default(200_000),
        /**
         * What the agent gets when policy refuses a tool call the model returned: `strip` (the answer without it, and a
         * text saying why, so unchanged agent code goes on) or `error` (a 403, or an error event in a stream, in the
         * caller's API shape).
         */
        refused_tool_calls: z.enum(['strip', 'error']).default('strip'),
      })
      .strict()
      .default({ enabled: true, fail_open: false, watch: true, max_steps: 200_000, refused_tool_calls: 'strip' }),
    approvals: z
      .object({
        /** How long a `wait`-mode caller is held before a 408 that names the approval (it goes on; collect it later). */
        max_wait_ms: z.number().int().positive().max(3_600_000).default(120_000),
        /** A streaming caller held longer than this gets its headers and an SSE comment this often, so proxies keep it open. */
        keepalive_ms: z.number().int().positive().default(10_000),
        /** How often each gateway reads the approval event log for decisions taken on other replicas. */
        poll_ms: z.number().int().positive().default(500),
        /** How long a gateway waits after appending a vote or a claim before it reads who won (see README). */
        settle_ms: z.number().int().nonnegative().default(250),
        /** An executing gateway renews its claim within this; a claim not renewed in time is taken over. */
        lease_ms: z.number().int().positive().default(30_000),
        /** Hosts `x-airlock-callback-url` may name (exact host names, or `*.domain`); empty: no callbacks. */
        callback_hosts: z.array(z.string().min(1)).default([]),
        /** The environment variable holding the secret callbacks are signed with. */
        callback_secret_env: envName.optional(),
        /** Per approver role: a webhook told of each approval that role must decide, and of its outcome. */
        notify: z.record(z.string().min(1), z.object({ url: z.url(), secret_env: envName }).strict()).default({}),
      })
      .strict()
      .default({ max_wait_ms: 120_000, keepalive_ms: 10_000, poll_ms: 500, settle_ms: 250, lease_ms: 30_000, callback_hosts: [], notify: {} })
      .describe('Held calls (issue 13): how long callers wait, how replicas agree, where outcomes are sent'),
    mcp: McpSchema.default({ servers: {}, aggregate: { teams: {}, keys: {} }, pinning: { unapproved: 'allow', changed: 'hide' }, max_message_bytes: 1024 * 1024, session_idle_s: 1800 }).describe(
      'MCP servers the gateway serves at /mcp/:server and merges at /mcp',
    ),
    retention: z
      .object({ metadata_days: z.number().int().positive().default(400), body_days: z.number().int().positive().default(30) })
      .strict()
      .default({ metadata_days: 400, body_days: 30 }),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type ConfigFileInput = z.input<typeof ConfigFileSchema>;

/** With no config file the gateway serves the built-in demo models, so it works with no keys and no network. */
export const DEFAULT_CONFIG: ConfigFileInput = {
  providers: { demo: { kind: 'demo' } },
  models: {
    'demo-1': { aliases: ['demo'], deployments: [{ provider: 'demo', model: 'demo-1', region: 'us' }] },
    'demo-eu': { deployments: [{ provider: 'demo', model: 'demo-eu', region: 'eu' }] },
    'demo-embed': { deployments: [{ provider: 'demo', model: 'demo-embed' }] },
  },
};
