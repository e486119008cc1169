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
  wal_dir: z.string().optional().describe('The write-ahead log every row goes through before the answer; default `wal` beside the embedded data directory, or `data/wal` for a server'),
  fsync_ms: z
    .number()
    .int()
    .nonnegative()
    .max(60_000)
    .optional()
    .describe('At most this many ms of answered calls are lost to a machine crash (a process kill loses none); 0 syncs before every answer'),
};

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 600_000;
export const DEFAULT_TIMEOUTS = { connect_ms: 5_000, first_byte_ms: 60_000, idle_ms: 60_000, total_ms: 600_000 };

const TimeoutsSchema = z
  .object({
    connect_ms: z.number().int().positive().describe(`TCP and TLS connect (default ${DEFAULT_TIMEOUTS.connect_ms})`),
    first_byte_ms: z.number().int().positive().describe(`until the first byte of the answer (default ${DEFAULT_TIMEOUTS.first_byte_ms})`),
    idle_ms: z.number().int().positive().describe(`between two chunks of a streamed answer (default ${DEFAULT_TIMEOUTS.idle_ms})`),
    total_ms: z.number().int().positive().describe(`one attempt, start to end (default ${DEFAULT_TIMEOUTS.total_ms})`),
  })
  .partial()
  .strict();

/** Headers that carry the caller's gateway key or define the connection: never forwarded upstream. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'host', 'connection', 'content-length', 'cookie', 'proxy-authorization']);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

const ProviderSchema = z
  .object({
    kind: z.enum(['openai', 'anthropic', 'demo']).describe('The wire format the provider speaks; `demo` is the built-in local model'),
    base_url: z.url().optional().describe("Default: the provider's public API"),
    api_key_env: envName.optional().describe('The environment variable holding the provider key (never the key itself)'),
    headers: z.record(z.string(), z.string()).optional().describe('Headers the gateway adds upstream; values may name environment variables as ${NAME}'),
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
    id: z.string().min(1).optional().describe('Default: provider/model (with #index when the model has several)'),
    provider: z.string().min(1).describe('A name under `providers`'),
    model: z.string().min(1).describe('The model name upstream'),
    region: z.string().optional().describe('Where the deployment runs; policies may route by it'),
    weight: z.number().positive().default(1).describe('Share of calls under the `weighted` strategy'),
    timeouts: TimeoutsSchema.optional(),
  })
  .strict();

const ModelSchema = z
  .object({
    aliases: z.array(z.string().min(1)).default([]).describe('Other names callers may use for this model'),
    strategy: z.enum(STRATEGIES).default('fallback').describe('How a deployment is chosen: in order (`fallback`), by weight, or by the lowest recent latency'),
    retry: z
      .object({
        max_attempts: z.number().int().min(1).max(10).describe('Attempts on one deployment (1 = no retry); fallback deployments get their own'),
        base_delay_ms: z.number().int().min(0).describe('The first retry delay, doubled each time, with jitter'),
        max_delay_ms: z.number().int().min(0).describe('Cap on one retry delay'),
        on_timeout: z.boolean().describe('Repeat a call whose upstream timed out after receiving it (it may still run and be billed)'),
      })
      .partial()
      .strict()
      .default({})
      .describe('Retries of a failed attempt on one deployment; never after an answer started streaming'),
    fallback: z.boolean().default(true).describe("Move a failed call on to the model's next deployment (apart from retries)"),
    breaker: z
      .object({
        failure_threshold: z.number().int().min(1).describe('Consecutive failures that open the breaker'),
        error_rate: z.number().gt(0).max(1).describe('Error rate over the window that opens it'),
        window: z.number().int().min(1).describe('Calls the error rate is measured over'),
        min_calls: z.number().int().min(1).describe('Calls in the window before the rate counts'),
        cooldown_ms: z.number().int().min(1).describe('How long an open breaker skips the deployment before one trial call'),
      })
      .partial()
      .strict()
      .default({})
      .describe("Each deployment's circuit breaker"),
    deadline_ms: z.number().int().positive().default(DEFAULT_DEADLINE_MS).describe('Caps all attempts of one call together'),
    deployments: z.array(DeploymentSchema).min(1).describe('Where the model is served, in fallback order'),
    owned_by: z.string().default('airlock').describe('Shown in GET /v1/models'),
  })
  .strict();

const SystemSchema = z
  .object({
    base_url: z.url().describe('Where /api/:system/* forwards to'),
    methods: z
      .array(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']))
      .min(1)
      .default(['GET'])
      .describe('The methods callers may use'),
    headers: z.record(z.string(), z.string()).default({}).describe('Headers the gateway adds; values may name environment variables as ${NAME}'),
    redact: z
      .boolean()
      .default(true)
      .describe("PII in the body and query string is redacted by the call's plan before the system gets it (placeholders in its textual answer restored); false for a system that needs the real values"),
    idempotency_keys: z
      .boolean()
      .default(false)
      .describe('The system acts once per Idempotency-Key: an approved call whose gateway died while it was in flight is sent again under the same key (otherwise it is reported as interrupted, never sent twice)'),
    retry: z
      .object({
        max_attempts: z.number().int().min(1).max(10).describe('Attempts in all (1 = no retry); POST and PATCH repeat only with an Idempotency-Key'),
        base_delay_ms: z.number().int().min(0).describe('The first retry delay, doubled each time, with jitter'),
        max_delay_ms: z.number().int().min(0).describe('Cap on one retry delay'),
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
        host: z.string().default(DEFAULT_HOST).describe('The interface to listen on (0.0.0.0 in a container)'),
        port: z.number().int().min(0).max(65535).default(DEFAULT_PORT).describe('0 picks a free port'),
        body_limit_bytes: z.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES).describe('Larger request bodies are refused with 413'),
      })
      .strict()
      .default({ host: DEFAULT_HOST, port: DEFAULT_PORT, body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES }),
    providers: z.record(z.string().min(1), ProviderSchema).default({}).describe('Model providers by name'),
    models: z.record(z.string().min(1), ModelSchema).default({}).describe('The models callers may name, each with its deployments'),
    systems: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'system names are lower-case words'), SystemSchema)
      .default({})
      .describe('HTTP services reached through /api/:system/*, under the same policy, redaction and tracing as model calls'),
    keys: z
      .object({
        file: z.string().default('data/keys.json').describe('The key file when no store is configured (keys live in the store otherwise)'),
        tenant: z.string().default('default').describe('The tenant of the admin key and of CLI commands that open the store'),
      })
      .strict()
      .default({ file: 'data/keys.json', tenant: 'default' }),
    store: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('embedded'), path: z.string().default('data/clickhouse').describe('The chdb data directory (one process owns it)'), ...durability }).strict(),
        z
          .object({
            kind: z.literal('server'),
            url: z.url().describe('The ClickHouse HTTP endpoint, e.g. http://clickhouse:8123'),
            database: z.string().default('default'),
            username: z.string().default('default'),
            password_env: envName.optional().describe('The environment variable holding the password'),
            cluster: z
              .string()
              .regex(/^[A-Za-z0-9_]+$/)
              .optional()
              .describe('A ClickHouse cluster name: tables are created ON CLUSTER, replicated, for several gateway replicas'),
            start_wait_ms: z.number().int().nonnegative().optional().describe('How long start-up waits for a server that is not answering yet (default 60000)'),
            ...durability,
          })
          .strict(),
        z.object({ kind: z.literal('none') }).strict(),
      ])
      .default({ kind: 'embedded', path: 'data/clickhouse' })
      .describe('Where calls, spans and the audit trail are recorded; `none` records nothing'),
    audit: z
      .object({
        key_file: z.string().optional().describe('The HMAC key file, used when AIRLOCK_AUDIT_KEY is not set; generated (mode 0600) when missing'),
        signing_key_file: z
          .string()
          .optional()
          .describe('The Ed25519 signing key file (PKCS#8 PEM), used when AIRLOCK_AUDIT_SIGNING_KEY is not set; generated when missing'),
        checkpoint_file: z.string().optional().describe('The append-only JSON-lines file the signed checkpoints go to'),
        checkpoint_interval_s: z.number().nonnegative().default(60).describe('Seconds between checkpoints (each tenant whose trail moved gets one); 0: only at shutdown'),
      })
      .strict()
      .default({ checkpoint_interval_s: 60 })
      .describe('Where the audit keys and signed checkpoints live: outside the store (default: beside the embedded data, or ./data)'),
    redaction: z
      .object({
        enabled: z.boolean().default(true),
        tier: z.enum(['fast', 'full']).default('fast').describe('`full` adds names and places (PERSON, LOCATION) at a higher cost per call'),
        entities: z.array(z.enum(ENTITY_TYPES)).default(['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'SSN', 'API_KEY', 'CREDENTIAL']).describe('The PII types redacted'),
        mode: z.enum(MODES).default('placeholder').describe('`placeholder` is reversible (restored in the answer); `mask` and `hash` are not'),
        modes: z.partialRecord(z.enum(ENTITY_TYPES), z.enum(MODES)).default({}).describe('A mode per PII type, over `mode`'),
        hash_secret_env: envName.optional().describe('The environment variable holding the HMAC secret of `hash` mode'),
        output: z.boolean().default(false).describe('Also redact PII the model writes (masked), in buffered and streamed responses'),
        on_unsafe_stream: z.enum(['block', 'pass']).default('block').describe('With `output` on: stop a stream whose events cannot be read (`block`) or let it pass'),
      })
      .strict()
      .default({ enabled: true, tier: 'fast', entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'SSN', 'API_KEY', 'CREDENTIAL'], mode: 'placeholder', modes: {}, output: false, on_unsafe_stream: 'block' })
      .describe('PII redaction of model calls until a policy decision says otherwise'),
    policy: z
      .object({
        enabled: z.boolean().default(true),
        bundle: z.string().optional().describe('A Rego bundle directory; default: the governance bundle shipped in policies/bundles/default'),
        fail_open: z.boolean().default(false).describe('Let calls through when the policy engine errs (logged each time); default: refuse them'),
        watch: z.boolean().default(true).describe('Reload the bundle when its files change'),
        max_steps: z.number().int().positive().default(200_000).describe('Evaluation steps one decision may take: a runaway rule ends as an error (which fails closed)'),
        refused_tool_calls: z
          .enum(['strip', 'error'])
          .default('strip')
          .describe(
            "What the agent gets when policy refuses a tool call the model returned: `strip` (the answer without it, and a text saying why, so unchanged agent code goes on) or `error` (a 403, or an error event in a stream, in the caller's API shape)",
          ),
      })
      .strict()
      .default({ enabled: true, fail_open: false, watch: true, max_steps: 200_000, refused_tool_calls: 'strip' })
      .describe('OPA Rego policies, evaluated in-process on every call'),
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
      .object({
        metadata_days: z.number().int().positive().default(400).describe('Days calls, spans and metrics are kept'),
        body_days: z.number().int().positive().default(30).describe('Days the (redacted) prompts and answers are kept'),
      })
      .strict()
      .default({ metadata_days: 400, body_days: 30 })
      .describe('ClickHouse TTLs'),
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
