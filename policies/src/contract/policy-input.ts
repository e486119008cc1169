/**
 * The document the gateway passes as `input` when it asks `data.airlock.decision`. Bundle authors write against
 * this shape; policies/README.md shows it as JSON Schema (schemas/policy-input.schema.json, generated from here).
 */
import { z } from 'zod';

export const ENTITY_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'SSN',
  'IP_ADDRESS',
  'URL',
  'API_KEY',
  'CREDENTIAL',
  'PERSON',
  'LOCATION',
  'DATE_OF_BIRTH',
] as const;
export const EntityTypeSchema = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof EntityTypeSchema>;

const UsageFiguresSchema = z
  .object({
    spend_today_micros: z.number().int().nonnegative().describe('Cost so far today (UTC), in micro-dollars'),
    requests_today: z.number().int().nonnegative(),
    requests_this_minute: z.number().int().nonnegative(),
  })
  .strict();

/** One tool call, arguments parsed from JSON where possible; `id` is the call's id in its API ('' when it has none). */
const ToolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.unknown() }).strict();

/**
 * An MCP request. A list (tools/list, resources/list, prompts/list) is decided once as a whole and then once per
 * item, with `tool`, `resource` or `prompt` naming the item: an item denied is hidden from the list.
 */
const McpInputSchema = z
  .object({
    server: z.string().describe('The MCP server the request (or listed item) goes to, as named in the config; empty for a merged list as a whole'),
    external: z.boolean().describe('The server is marked external in the config (its results leave the company\'s control)'),
    method: z.string().describe('The JSON-RPC method, e.g. tools/call, tools/list, resources/read'),
    listing: z.boolean().describe('True when deciding whether a listed item is shown (not a call)'),
    tool: z
      .object({
        name: z.string().describe('The tool\'s name on its server (without the merged endpoint\'s prefix)'),
        description: z.string(),
        annotations: z.record(z.string(), z.unknown()).describe('The server\'s hints: destructiveHint, readOnlyHint, openWorldHint, …'),
        pin: z.enum(['approved', 'changed', 'new', 'unapproved']).describe('The definition against the one an admin approved'),
      })
      .strict()
      .nullable(),
    arguments: z.unknown().describe('tools/call: the arguments (placeholders of earlier redacted results restored)'),
    resource: z.object({ uri: z.string(), name: z.string() }).strict().nullable(),
    prompt: z.object({ name: z.string() }).strict().nullable(),
  })
  .strict();

export const PolicyInputSchema = z
  .object({
    phase: z
      .enum(['request', 'response'])
      .describe('"request": before the call leaves; "response": on the model\'s answer, once per tool call it returned (policies/README.md, Phases)'),
    principal: z
      .object({
        key_id: z.string().describe('The virtual key id (never the key itself)'),
        tenant: z.string(),
        team: z.string(),
        user: z.string(),
        roles: z.array(z.string()),
      })
      .strict(),
    call: z
      .object({
        id: z.string().describe('The call id, as in x-airlock-call-id'),
        api: z
          .enum(['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages', 'http', 'mcp'])
          .describe('The API the client called; "http" for bot and API calls through /api/:system, "mcp" for MCP requests'),
        provider: z.string().describe('The provider serving the requested model, or "http" for API calls'),
        model: z.string().describe('The model the client asked for (its canonical name; aliases resolved); empty for API calls'),
        deployments: z
          .array(z.object({ id: z.string(), provider: z.string(), model: z.string().describe('The upstream model name'), region: z.string() }).strict())
          .describe('The deployments that would serve the model, in the order the router tries them; empty for API calls'),
        stream: z.boolean(),
        tools: z.array(z.string()).describe('Names of the tools offered to the model'),
        tool_calls: z
          .array(ToolCallSchema)
          .describe(
            'The tool calls being decided: in the response phase, the tool call the model just returned (one per evaluation); in the request phase of a model call, none',
          ),
        history_tool_calls: z
          .array(ToolCallSchema)
          .describe('Tool calls already in the request\'s history (assistant turns): the agent ran them before this call; context, never new actions'),
        target: z
          .object({
            system: z.string(),
            host: z.string(),
            path: z.string(),
            method: z.string(),
            body: z
              .unknown()
              .optional()
              .describe('The request body when it is JSON (an API call\'s arguments: a decision, an email, a record), else null'),
          })
          .strict()
          .nullable()
          .describe('For API calls: where the request goes'),
        mcp: McpInputSchema.nullable()
          .optional()
          .describe('For MCP requests (api "mcp"): the server, the JSON-RPC method and what it names; null otherwise'),
        estimated_tokens: z.number().int().nonnegative(),
        pii: z.record(z.string(), z.number().int().nonnegative()).describe('PII entities found in the request, by type'),
      })
      .strict(),
    workflow: z.object({ id: z.string(), run: z.string(), step: z.string() }).strict(),
    usage: z.object({ key: UsageFiguresSchema, team: UsageFiguresSchema }).strict(),
    time: z
      .object({
        now_ns: z.number().describe('Nanoseconds since the epoch (as a float: use time.* builtins for exact work)'),
        rfc3339: z.string(),
      })
      .strict(),
  })
  .strict();

export type PolicyInput = z.infer<typeof PolicyInputSchema>;
