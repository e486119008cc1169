/**
 * Restoring placeholders in streamed responses. A placeholder may be split across chunks (`<EMA` + `IL_1>`), so each
 * text channel (message text, each tool call's arguments) holds back only the shortest tail that could still become a
 * placeholder — at most one placeholder's length — and releases it as soon as it cannot.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { SseParser, sseFrame, type SseEvent } from '../providers/http/sse.js';
import type { ApiFormat } from '../contracts/api.js';
import { restoreText, type Vault } from './modes.js';
import { ENTITY_TYPES } from './types.js';
import { restoreBody } from './messages.js';

/** Applies output redaction to every string of a JSON value. */
export function redactStrings(value: unknown, redact: (text: string) => { text: string }): never {
  if (typeof value === 'string') return redact(value).text as never;
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact)) as never;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redact)])) as never;
  return value as never;
}

/** The tail of a text that could still grow into a placeholder: `<`, `<EMA`, `<EMAIL_`, `<EMAIL_12`. */
function partialPlaceholderAt(text: string): number {
  const at = text.lastIndexOf('<');
  if (at < 0 || text.length - at > 24) return -1;
  const tail = text.slice(at + 1);
  const ok = ENTITY_TYPES.some((type) => {
    const full = `${type}_`;
    return full.startsWith(tail) || (tail.startsWith(full) && /^\d{0,6}$/.test(tail.slice(full.length)));
  });
  return ok ? at : -1;
}

export class PlaceholderRestorer {
  #held = '';
  constructor(private readonly vault: Vault) {}

  /** Text to emit now for this chunk. */
  push(chunk: string): string {
    const text = this.#held + chunk;
    const partial = partialPlaceholderAt(text);
    const cut = partial < 0 ? text.length : partial;
    this.#held = text.slice(cut);
    return restoreText(text.slice(0, cut), this.vault);
  }

  /** What is still held back, restored as far as it can be. */
  flush(): string {
    const rest = restoreText(this.#held, this.vault);
    this.#held = '';
    return rest;
  }

  get holding(): boolean {
    return this.#held.length > 0;
  }
}

type Json = Record<string, unknown>;

/** A text field inside one stream event. */
interface Slot {
  readonly channel: string;
  get(): string;
  set(text: string): void;
}

/** Where each format's streamed text lives. */
function slotsOf(format: ApiFormat, event: Json): Slot[] {
  const field = (obj: Json, key: string, channel: string): Slot => ({ channel, get: () => String(obj[key] ?? ''), set: (t) => void (obj[key] = t) });
  switch (format) {
    case 'openai.chat': {
      const slots: Slot[] = [];
      for (const choice of (event.choices as Json[] | undefined) ?? []) {
        const delta = choice.delta as Json | undefined;
        if (!delta) continue;
        if (typeof delta.content === 'string') slots.push(field(delta, 'content', `c${choice.index ?? 0}`));
        for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
          const fn = call.function as Json | undefined;
          if (fn && typeof fn.arguments === 'string') slots.push(field(fn, 'arguments', `t${choice.index ?? 0}.${call.index ?? 0}`));
        }
      }
      return slots;
    }
    case 'anthropic.messages': {
      const delta = event.delta as Json | undefined;
      if (event.type !== 'content_block_delta' || !delta) return [];
      if (delta.type === 'text_delta') return [field(delta, 'text', `b${event.index}`)];
      if (delta.type === 'input_json_delta') return [field(delta, 'partial_json', `b${event.index}`)];
      return [];
    }
    case 'openai.responses':
      if (event.type === 'response.output_text.delta' || event.type === 'response.function_call_arguments.delta') {
        return [field(event, 'delta', `${event.item_id ?? event.output_index}.${event.content_index ?? 0}`)];
      }
      return [];
    case 'openai.embeddings':
      return [];
  }
}

/** Events after which a channel gets no more text: held-back text must be out before them. */
function endsChannels(format: ApiFormat, json: Json): boolean {
  switch (format) {
    case 'openai.chat':
      return ((json.choices as Json[] | undefined) ?? []).some((c) => c.finish_reason) || Boolean(json.error);
    case 'anthropic.messages':
      return ['content_block_stop', 'message_delta', 'message_stop', 'error'].includes(String(json.type));
    case 'openai.responses':
      return /\.done$|^response\.(?:completed|failed|incomplete)$|^error$/.test(String(json.type));
    case 'openai.embeddings':
      return true;
  }
}

/**
 * Rewrites an SSE stream in `format`, restoring placeholders in text deltas. Before any event that is not a text
 * delta (a block stop, a finish chunk, [DONE]), held-back text is released in a delta of its own, so nothing is lost
 * and every event stays valid for the client's SDK.
 */
export interface ResponseTextOptions {
  /** Redacts model-written PII (output redaction); runs before placeholders are restored. */
  readonly redactOutput?: (text: string) => { text: string; findings: readonly { start: number; end: number }[] };
  /** What to do with an event that cannot be read (not JSON): `block` ends the stream with an error event. */
  readonly onUnsafe?: 'block' | 'pass';
}

/** One text channel: output redaction (optional), then placeholder restoration. */
class ChannelFilter {
  readonly #redactor: StreamRedactor | undefined;
  readonly #restorer: PlaceholderRestorer;
  constructor(vault: Vault, options: ResponseTextOptions) {
    this.#redactor = options.redactOutput ? new StreamRedactor(options.redactOutput) : undefined;
    this.#restorer = new PlaceholderRestorer(vault);
  }
  push(chunk: string): string {
    return this.#restorer.push(this.#redactor ? this.#redactor.push(chunk) : chunk);
  }
  flush(): string {
    return this.#restorer.push(this.#redactor ? this.#redactor.flush() : '') + this.#restorer.flush();
  }
  get holding(): boolean {
    return this.#restorer.holding || Boolean(this.#redactor?.holding);
  }
}

export function createRestoreTransform(format: ApiFormat, vault: Vault, options: ResponseTextOptions = {}): Transform {
  const parser = new SseParser();
  const restorers = new Map<string, ChannelFilter>();
  let blocked = false;
  /** The last event of each channel, to shape the delta that releases its held-back text. */
  const templates = new Map<string, { event: SseEvent; json: Json }>();

  const release = (): string => {
    let out = '';
    for (const [channel, r] of restorers) {
      if (!r.holding) continue;
      const template = templates.get(channel)!;
      const json = structuredClone(template.json);
      for (const slot of slotsOf(format, json)) slot.set(slot.channel === channel ? r.flush() : '');
      out += sseFrame(json, template.event.event);
    }
    return out;
  };

  const handle = (e: SseEvent): string => {
    let json: Json;
    if (blocked) return '';
    try {
      json = JSON.parse(e.data) as Json;
    } catch {
      if (e.data !== '[DONE]' && options.onUnsafe === 'block' && options.redactOutput) {
        blocked = true;
        const error = { message: 'The response stream could not be checked for personal data and was stopped by policy.', type: 'server_error', code: 'GW_ERR_UPSTREAM' };
        return release() + (format === 'anthropic.messages' ? sseFrame({ type: 'error', error: { type: 'api_error', message: error.message } }, 'error') : sseFrame({ error }));
      }
      return release() + (e.event ? `event: ${e.event}\n` : '') + `data: ${e.data}\n\n`;
    }
    const slots = slotsOf(format, json);
    if (!slots.length) {
      // Whole objects (a completed response, a final message) are redacted and restored as they are.
      const whole = options.redactOutput ? redactStrings(json, options.redactOutput) : json;
      return (endsChannels(format, json) ? release() : '') + sseFrame(restoreBody(whole, vault), e.event);
    }
    for (const slot of slots) {
      let r = restorers.get(slot.channel);
      if (!r) restorers.set(slot.channel, (r = new ChannelFilter(vault, options)));
      slot.set(r.push(slot.get()));
      templates.set(slot.channel, { event: e, json: structuredClone(json) });
    }
    return sseFrame(json, e.event);
  };

  return new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      const out = parser.push(chunk).map(handle).join('');
      callback(null, out || undefined);
    },
    flush(callback) {
      const out = parser.end().map(handle).join('') + release();
      callback(null, out || undefined);
    },
  });
}

/**
 * Redacts PII the model itself writes, in a stream: text is held back by a fixed window (so an entity split across
 * chunks is seen whole) and released once the window has passed it, redacted. The delay is bounded by the window.
 */
export class StreamRedactor {
  #held = '';
  constructor(
    private readonly redact: (text: string) => { text: string; findings: readonly { start: number; end: number }[] },
    private readonly window = OUTPUT_WINDOW,
  ) {}

  push(chunk: string): string {
    const text = this.#held + chunk;
    if (text.length <= this.window) {
      this.#held = text;
      return '';
    }
    let cut = text.length - this.window;
    // Never release half an entity: move the cut back to the start of one that straddles it.
    for (const f of this.redact(text).findings) if (f.start < cut && f.end > cut) cut = Math.min(cut, f.start);
    this.#held = text.slice(cut);
    return this.redact(text.slice(0, cut)).text;
  }

  flush(): string {
    const out = this.redact(this.#held).text;
    this.#held = '';
    return out;
  }

  get holding(): boolean {
    return this.#held.length > 0;
  }
}

/** Characters held back per stream channel when output redaction is on: longer than any entity it must see whole. */
export const OUTPUT_WINDOW = 96;
