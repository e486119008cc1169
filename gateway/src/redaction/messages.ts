/**
 * Finds the text in API bodies. Every string the provider will receive is scanned (message text, system prompts,
 * tool descriptions and schemas, `user`, `metadata`, `messages[].name`, stop sequences, fields the gateway does not
 * know), except the fields listed per API in STRUCTURAL: names, ids and enums the call cannot work without (model,
 * roles, types, tool names, call ids) and non-text parts (images, audio, files), which are counted, not read.
 * Tool-call arguments are JSON inside JSON: their strings are scanned too.
 */
import type { CallApi } from '../contracts/api.js';
import { redactText, restoreText, type FindingsCache, type RedactionPlan, type Vault } from './modes.js';
import type { EntityType } from './types.js';

type Json = unknown;

/** What a listed field is: left alone, a non-text part (counted), or JSON encoded in a string (scanned inside). */
type Leaf = 'structural' | 'non_text' | 'json';

/**
 * The one list per API of fields that are not scanned, as paths (`[]` is every element of an array). A field not
 * listed is scanned with everything below it, so a field a provider adds tomorrow is covered without a release.
 */
export const STRUCTURAL: Readonly<Record<CallApi, Readonly<Record<string, Leaf>>>> = {
  'openai.chat': {
    model: 'structural',
    'messages[].role': 'structural',
    'messages[].tool_call_id': 'structural',
    'messages[].content[].type': 'structural',
    'messages[].content[].image_url': 'non_text',
    'messages[].content[].input_audio': 'non_text',
    'messages[].content[].file': 'non_text',
    'messages[].audio': 'non_text',
    'messages[].tool_calls[].id': 'structural',
    'messages[].tool_calls[].type': 'structural',
    'messages[].tool_calls[].function.name': 'structural',
    'messages[].tool_calls[].function.arguments': 'json',
    'messages[].function_call.name': 'structural',
    'messages[].function_call.arguments': 'json',
    'tools[].type': 'structural',
    'tools[].function.name': 'structural',
    'functions[].name': 'structural',
    tool_choice: 'structural',
    function_call: 'structural',
    'response_format.type': 'structural',
    'response_format.json_schema.name': 'structural',
    'prediction.type': 'structural',
    'prediction.content[].type': 'structural',
    reasoning_effort: 'structural',
    service_tier: 'structural',
    verbosity: 'structural',
    modalities: 'structural',
    audio: 'structural',
  },
  'openai.responses': {
    model: 'structural',
    'input[].type': 'structural',
    'input[].role': 'structural',
    'input[].id': 'structural',
    'input[].call_id': 'structural',
    'input[].status': 'structural',
    'input[].name': 'structural',
    'input[].arguments': 'json',
    'input[].content[].type': 'structural',
    'input[].content[].image_url': 'non_text',
    'input[].content[].file_data': 'non_text',
    'input[].content[].file_id': 'structural',
    'input[].content[].file_url': 'non_text',
    'input[].content[].detail': 'structural',
    'input[].content[].input_audio': 'non_text',
    'input[].output[].type': 'structural',
    'input[].output[].image_url': 'non_text',
    'tools[].type': 'structural',
    'tools[].name': 'structural',
    tool_choice: 'structural',
    previous_response_id: 'structural',
    conversation: 'structural',
    'text.format.type': 'structural',
    'text.format.name': 'structural',
    'text.verbosity': 'structural',
    'reasoning.effort': 'structural',
    'reasoning.summary': 'structural',
    include: 'structural',
    service_tier: 'structural',
    truncation: 'structural',
    'prompt.id': 'structural',
    'prompt.version': 'structural',
  },
  'openai.embeddings': {
    model: 'structural',
    encoding_format: 'structural',
    'tools[].type': 'structural',
    'tools[].function.name': 'structural',
  },
  'anthropic.messages': {
    model: 'structural',
    'messages[].role': 'structural',
    'messages[].content[].type': 'structural',
    'messages[].content[].id': 'structural',
    'messages[].content[].name': 'structural',
    'messages[].content[].tool_use_id': 'structural',
    'messages[].content[].source': 'non_text',
    'messages[].content[].signature': 'structural',
    'messages[].content[].data': 'structural',
    'messages[].content[].cache_control': 'structural',
    'messages[].content[].content[].type': 'structural',
    'messages[].content[].content[].source': 'non_text',
    'system[].type': 'structural',
    'system[].cache_control': 'structural',
    'tools[].name': 'structural',
    'tools[].type': 'structural',
    'tools[].cache_control': 'structural',
    'tool_choice.type': 'structural',
    'tool_choice.name': 'structural',
    'thinking.type': 'structural',
    service_tier: 'structural',
  },
  // API calls: every string of the body, as sent to the system.
  http: {},
  // MCP tool arguments and results: every string (a tool's own schema decides what is text).
  mcp: {},
};

/** A path list as a tree: a key's node, `[]` for array elements; undefined below a listed branch's end (scan all). */
interface Node {
  readonly [key: string]: Node | Leaf;
}

function compile(paths: Readonly<Record<string, Leaf>>): Node {
  const root: Record<string, Node | Leaf> = {};
  for (const [path, leaf] of Object.entries(paths)) {
    const steps = path.split('.').flatMap((segment) => (segment.endsWith('[]') ? [segment.slice(0, -2), '[]'] : [segment]));
    let node = root;
    for (let i = 0; i < steps.length - 1; i++) {
      const step = steps[i]!;
      const next = node[step];
      if (typeof next === 'string') throw new Error(`STRUCTURAL: ${path} is below a listed field`);
      node = (next ?? (node[step] = {})) as Record<string, Node | Leaf>;
    }
    node[steps[steps.length - 1]!] = leaf;
  }
  return root;
}

const TREES = Object.fromEntries(Object.entries(STRUCTURAL).map(([api, paths]) => [api, compile(paths)])) as Record<CallApi, Node>;

export interface BodyScan {
  /** Entities found, by type (redacted or not). */
  readonly counts: Partial<Record<EntityType, number>>;
  readonly redacted: number;
  /** Non-text parts passed through untouched. */
  readonly nonTextParts: number;
}

/**
 * Rewrites the text strings of a JSON value, copying only what changed: a body without PII comes back as the
 * same object, which saves a copy of every call's body on the hot path. `node` is where the value sits in the API's
 * STRUCTURAL tree (undefined: nothing below is structural).
 */
function rewriteStrings(value: Json, node: Node | Leaf | undefined, onText: (text: string) => string, onNonText: () => void): Json {
  if (typeof value === 'string') {
    if (node === 'json') {
      let parsed: Json;
      try {
        parsed = JSON.parse(value) as Json;
      } catch {
        return onText(value);
      }
      const rewritten = rewriteStrings(parsed, undefined, onText, onNonText);
      return rewritten === parsed ? value : JSON.stringify(rewritten);
    }
    return onText(value);
  }
  const inner = typeof node === 'object' ? node : undefined;
  if (Array.isArray(value)) {
    const element = inner?.['[]'];
    let out: Json[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = rewriteStrings(value[i], element, onText, onNonText);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, Json>;
    let out: Record<string, Json> | undefined;
    for (const k of Object.keys(obj)) {
      const child = inner?.[k];
      if (child === 'structural') continue;
      if (child === 'non_text') {
        onNonText();
        continue;
      }
      const v = rewriteStrings(obj[k], child, onText, onNonText);
      if (v !== obj[k]) (out ??= { ...obj })[k] = v;
    }
    return out ?? value;
  }
  return value;
}

/** Redacts a request body's strings, but for its API's STRUCTURAL fields; `http` bodies are scanned whole. */
export function redactBody(
  format: CallApi,
  body: Record<string, unknown>,
  plan: RedactionPlan,
  vault: Vault,
  cache?: FindingsCache,
): { body: Record<string, unknown>; scan: BodyScan } {
  const counts: Partial<Record<EntityType, number>> = {};
  let redacted = 0;
  let nonTextParts = 0;
  const out = rewriteStrings(
    body,
    TREES[format],
    (text) => {
      const r = redactText(text, plan, vault, cache);
      for (const f of r.findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
      redacted += r.redacted;
      return r.text;
    },
    () => nonTextParts++,
  ) as Record<string, unknown>;
  return { body: out, scan: { counts, redacted, nonTextParts } };
}

/** Restores placeholders in every string of a response body (tool arguments included: placeholders need no escaping). */
export function restoreBody(body: Json, vault: Vault): Json {
  if (typeof body === 'string') return restoreText(body, vault);
  if (Array.isArray(body)) return body.map((v) => restoreBody(v, vault));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, restoreBody(v, vault)]));
  return body;
}
