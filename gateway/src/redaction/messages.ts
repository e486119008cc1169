/**
 * Finds the text in API bodies: message contents and content parts, system prompts, tool-call arguments (JSON
 * inside JSON), tool results, embeddings inputs, and for API calls every string of the JSON body. Structural fields
 * (model, role, ids, tool schemas) and non-text parts (images, audio, files) are left alone; the latter are counted.
 */
import type { ApiFormat } from '../providers/provider.js';
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

function rewriteStrings(value: Json, key: string | undefined, onText: (text: string) => string, onNonText: () => void, all: boolean): Json {
  if (typeof value === 'string') {
    if (key && JSON_STRINGS.has(key)) {
      try {
        return JSON.stringify(rewriteStrings(JSON.parse(value) as Json, undefined, onText, onNonText, true));
      } catch {
        return onText(value);
      }
    }
    return onText(value);
  }
  if (Array.isArray(value)) return value.map((v) => rewriteStrings(v, key, onText, onNonText, all));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!all && STRUCTURAL.has(k)) out[k] = v;
      else if (!all && NON_TEXT.has(k)) {
        onNonText();
        out[k] = v;
      } else out[k] = rewriteStrings(v, k, onText, onNonText, all);
    }
    return out;
  }
  return value;
}

/** Redacts a request body in place of its text fields; `http` bodies are scanned whole. */
export function redactBody(
  format: ApiFormat | 'http',
  body: Record<string, unknown>,
  plan: RedactionPlan,
  vault: Vault,
  cache?: FindingsCache,
): { body: Record<string, unknown>; scan: BodyScan } {
  const counts: Partial<Record<EntityType, number>> = {};
  let redacted = 0;
  let nonTextParts = 0;
  const onText = (text: string): string => {
    const r = redactText(text, plan, vault, cache);
    for (const f of r.findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
    redacted += r.redacted;
    return r.text;
  };
  const out = rewriteStrings(body, undefined, onText, () => nonTextParts++, format === 'http') as Record<string, unknown>;
  return { body: out, scan: { counts, redacted, nonTextParts } };
}

/** Restores placeholders in every string of a response body (tool arguments included: placeholders need no escaping). */
export function restoreBody(body: Json, vault: Vault): Json {
  if (typeof body === 'string') return restoreText(body, vault);
  if (Array.isArray(body)) return body.map((v) => restoreBody(v, vault));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, restoreBody(v, vault)]));
  return body;
}
