/**
 * Finds the text in API bodies: message contents and content parts, system prompts, tool-call arguments (JSON
 * inside JSON), tool results, embeddings inputs, and for API calls every string of the JSON body. Structural fields
 * (model, role, ids, tool schemas) and non-text parts (images, audio, files) are left alone; the latter are counted.
 */
import type { CallApi } from '../contracts/api.js';
import { redactText, restoreText, type FindingsCache, type RedactionPlan, type Vault } from './modes.js';
import type { EntityType } from './types.js';

type Json = unknown;

/** Keys whose values are never user text. */
const STRUCTURAL = new Set([
  'model', 'role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'call_id', 'name', 'tools', 'tool_choice', 'response_format',
  'stop', 'stop_sequences', 'metadata', 'stream', 'stream_options', 'encoding_format', 'user', 'media_type', 'detail', 'format',
  'object', 'status', 'finish_reason', 'stop_reason', 'index', 'created', 'usage', 'logprobs', 'signature',
]);
/** Keys holding non-text content. */
const NON_TEXT = new Set(['image_url', 'input_image', 'image', 'source', 'input_audio', 'audio', 'file', 'input_file', 'file_data']);
/** Keys holding JSON encoded as a string. */
const JSON_STRINGS = new Set(['arguments']);

export interface BodyScan {
  /** Entities found, by type (redacted or not). */
  readonly counts: Partial<Record<EntityType, number>>;
  readonly redacted: number;
  /** Non-text parts passed through untouched. */
  readonly nonTextParts: number;
}

/**
 * Rewrites the text strings of a JSON value, copying only what changed: a body without PII comes back as the
 * same object, which saves a copy of every call's body on the hot path.
 */
function rewriteStrings(value: Json, key: string | undefined, onText: (text: string) => string, onNonText: () => void, all: boolean): Json {
  if (typeof value === 'string') {
    if (key && JSON_STRINGS.has(key)) {
      let parsed: Json;
      try {
        parsed = JSON.parse(value) as Json;
      } catch {
        return onText(value);
      }
      const rewritten = rewriteStrings(parsed, undefined, onText, onNonText, true);
      return rewritten === parsed ? value : JSON.stringify(rewritten);
    }
    return onText(value);
  }
  if (Array.isArray(value)) {
    let out: Json[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = rewriteStrings(value[i], key, onText, onNonText, all);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, Json>;
    let out: Record<string, Json> | undefined;
    for (const k of Object.keys(obj)) {
      if (!all && STRUCTURAL.has(k)) continue;
      if (!all && NON_TEXT.has(k)) {
        onNonText();
        continue;
      }
      const v = rewriteStrings(obj[k], k, onText, onNonText, all);
      if (v !== obj[k]) (out ??= { ...obj })[k] = v;
    }
    return out ?? value;
  }
  return value;
}

/** Redacts a request body in place of its text fields; `http` bodies are scanned whole. */
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
    undefined,
    (text) => {
      const r = redactText(text, plan, vault, cache);
      for (const f of r.findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
      redacted += r.redacted;
      return r.text;
    },
    () => nonTextParts++,
    format === 'http',
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
