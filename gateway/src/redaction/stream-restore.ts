/**
 * Restoring placeholders in streamed responses. A placeholder may be split across chunks (`<EMA` + `IL_1>`), so each
 * text channel (message text, each tool call's arguments) holds back only the shortest tail that could still become a
 * placeholder — at most one placeholder's length — and releases it as soon as it cannot.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { SseParser, sseFrame, type SseEvent } from '../providers/http/sse.js';
import type { ApiFormat } from '../providers/provider.js';
import { restoreText, type Vault } from './modes.js';
import { ENTITY_TYPES } from './types.js';
import { restoreBody } from './messages.js';

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
export function createRestoreTransform(format: ApiFormat, vault: Vault): Transform {
  const parser = new SseParser();
  const restorers = new Map<string, PlaceholderRestorer>();
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
    try {
      json = JSON.parse(e.data) as Json;
    } catch {
      return release() + (e.event ? `event: ${e.event}\n` : '') + `data: ${e.data}\n\n`;
    }
    const slots = slotsOf(format, json);
    if (!slots.length) {
      // Whole objects (a completed response, a final message) are restored as they are.
      return (endsChannels(format, json) ? release() : '') + sseFrame(restoreBody(json, vault), e.event);
    }
    for (const slot of slots) {
      let r = restorers.get(slot.channel);
      if (!r) restorers.set(slot.channel, (r = new PlaceholderRestorer(vault)));
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
