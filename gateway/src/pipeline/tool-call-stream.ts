/**
 * Policy on a streamed answer's tool calls. Text flows on as it comes; each tool call's deltas are held until the
 * call is complete (its arguments whole), then the call is decided: allowed, it goes out whole; refused, it never
 * reaches the agent, and a text saying why is added before the answer ends. Everything the caller's SDK
 * accumulates by position stays consistent: Chat tool-call indices, Messages block indices and Responses output
 * indices are renumbered over what is actually sent, sequence numbers stay gap-free, and a finish reason that
 * promised tool calls becomes a plain stop when none is left. A decision that waits (an approval) holds the rest
 * of the stream behind it, with SSE comments to keep the connection alive.
 *
 * Until the first tool call appears, the stream passes through as it came, chunk by chunk, unparsed: an answer
 * that calls no tool costs a scan for a marker string per chunk. Nothing before the first tool call is changed, so
 * the positions and sequence numbers to renumber from are the first parsed event's own.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { ApiFormat } from '../contracts/api.js';
import type { GatewayError } from '../errors.js';
import { SseParser, sseFrame, type SseEvent } from '../providers/http/sse.js';
import { TOOL_CALL_MARKERS, responsesNoticeItem, type AnswerToolCall } from './answer-tool-calls.js';
import { parseArgs } from './policy-input.js';

type Json = Record<string, unknown>;

/** Why a tool call does not reach the agent: the text it gets instead, or the error it gets (by config). */
export interface Refusal {
  readonly notice: string;
  readonly error: GatewayError;
}

/** The tool call goes to the agent as given here: an approver edited its arguments. */
export interface Release {
  readonly release: AnswerToolCall;
}

/** null: the tool call goes to the agent as the model wrote it. */
export type Verdict = Refusal | Release | null;

export const isRefusal = (v: Verdict): v is Refusal => v !== null && 'notice' in v;

/** The arguments to send when an approver changed them; undefined when the model's stand. */
export const editedArguments = (v: Verdict): unknown => (v !== null && 'release' in v ? v.release.arguments : undefined);
export type DecideToolCall = (call: AnswerToolCall) => Verdict | Promise<Verdict>;

/** `strip`: refused calls are removed and explained in text; `error`: the stream ends with an error event. */
export type RefusalMode = 'strip' | 'error';

type Out = string | Promise<string>;

/** Runs steps in order, synchronously until one of them waits. */
function sequence(steps: readonly (() => Out)[]): Out {
  let out = '';
  for (let i = 0; i < steps.length; i++) {
    const r = steps[i]!();
    if (typeof r !== 'string') {
      const rest = steps.slice(i + 1);
      return r.then((s) => {
        const tail = sequence(rest);
        return typeof tail === 'string' ? out + s + tail : tail.then((t) => out + s + t);
      });
    }
    out += r;
  }
  return out;
}

/** Applies a verdict when it is in, synchronously when it already is. */
function whenDecided(decide: DecideToolCall, mode: RefusalMode, call: AnswerToolCall, apply: (refusal: Refusal | null, edited: unknown) => string): Out {
  const verdict = decide(call);
  const settle = (v: Verdict): string => {
    if (isRefusal(v) && mode === 'error') throw v.error;
    return apply(isRefusal(v) ? v : null, editedArguments(v));
  };
  return verdict instanceof Promise ? verdict.then(settle) : settle(verdict);
}

const raw = (e: SseEvent): string => (e.event ? `event: ${e.event}\n` : '') + `data: ${e.data}\n\n`;
const NOTICE_SEPARATOR = '\n\n';

/**
 * Positions as sent (Messages block indices, Responses output indices): each block or item takes the next one when
 * it goes out, so what the agent sees has no gap where a refused call was.
 */
class Positions {
  #next = 0;
  readonly #placed = new Map<number, number>();
  /** Where a block or item that passes through goes, by its position upstream. */
  of(index: number): number {
    let out = this.#placed.get(index);
    if (out === undefined) this.#placed.set(index, (out = this.#next++));
    return out;
  }
  /** A position for what is released now (a decided tool call, the gateway's notice). */
  take(): number {
    return this.#next++;
  }
  #started = false;
  /** The first parsed event's position: everything before it passed unchanged, at its own. */
  start(index: number | undefined): void {
    if (this.#started || index === undefined) return;
    this.#started = true;
    this.#next = index;
  }
}

interface FormatGate {
  /** One parsed event (json null: not JSON, e.g. `[DONE]`). */
  event(e: SseEvent, json: Json | null): Out;
  /** The stream ended: calls still open are decided. */
  end(): Out;
}

/** Text in a Chat chunk that went by unparsed: a non-empty `"content":"…"`. */
function carriesText(chunk: Buffer | string): boolean {
  const key = '"content":"';
  for (let i = chunk.indexOf(key); i >= 0; i = chunk.indexOf(key, i + key.length)) {
    const after = typeof chunk === 'string' ? chunk.charCodeAt(i + key.length) : chunk[i + key.length];
    if (after !== 0x22) return true;
  }
  return false;
}

/** Chat Completions: tool calls are deltas of `choices[].delta.tool_calls[]`, one index after the other. */
function chatGate(decide: DecideToolCall, mode: RefusalMode, textBefore: () => boolean): FormatGate {
  interface Open {
    id: string;
    type: string;
    name: string;
    args: string;
    origIndex: number;
  }
  interface Choice {
    open: Open | null;
    sent: number;
    notices: string[];
    text: boolean;
  }
  const choices = new Map<number, Choice>();
  let top: Json = {};
  const choice = (i: number): Choice => {
    let c = choices.get(i);
    if (!c) choices.set(i, (c = { open: null, sent: 0, notices: [], text: textBefore() }));
    return c;
  };
  const chunk = (ci: number, delta: Json): string => sseFrame({ ...top, choices: [{ index: ci, delta, logprobs: null, finish_reason: null }] });
  const complete = (ci: number, c: Choice): Out => {
    const open = c.open;
    if (!open) return '';
    c.open = null;
    return whenDecided(decide, mode, { id: open.id, name: open.name, arguments: parseArgs(open.args) }, (refusal, edited) => {
      if (refusal) {
        c.notices.push(refusal.notice);
        return '';
      }
      const args = edited === undefined ? open.args : JSON.stringify(edited);
      return chunk(ci, { tool_calls: [{ index: c.sent++, id: open.id, type: open.type, function: { name: open.name, arguments: args } }] });
    });
  };
  const notices = (ci: number, c: Choice): string => {
    if (!c.notices.length) return '';
    const text = (c.text ? NOTICE_SEPARATOR : '') + c.notices.join(NOTICE_SEPARATOR);
    c.notices = [];
    c.text = true;
    return chunk(ci, { content: text });
  };
  return {
    event(_e, json) {
      if (!json || !Array.isArray(json.choices)) return json ? sseFrame(json) : raw(_e);
      const { choices: list, ...rest } = json;
      delete rest.usage;
      top = rest;
      const steps: (() => Out)[] = [];
      const kept: Json[] = [];
      for (const ch of list as Json[]) {
        const ci = Number(ch.index ?? 0);
        const c = choice(ci);
        const delta = ch.delta as Json | undefined;
        const calls = delta?.tool_calls;
        if (delta && typeof delta.content === 'string' && delta.content) c.text = true;
        if (Array.isArray(calls)) {
          delete delta!.tool_calls;
          for (const tc of calls as Json[]) {
            const index = Number(tc.index ?? 0);
            steps.push(() => (c.open && c.open.origIndex !== index ? complete(ci, c) : ''));
            steps.push(() => {
              const fn = (tc.function ?? {}) as Json;
              c.open ??= { id: String(tc.id ?? ''), type: String(tc.type ?? 'function'), name: '', args: '', origIndex: index };
              if (typeof tc.id === 'string' && tc.id) c.open.id = tc.id;
              if (typeof fn.name === 'string') c.open.name += fn.name;
              if (typeof fn.arguments === 'string') c.open.args += fn.arguments;
              return '';
            });
          }
        }
        if (ch.finish_reason) {
          steps.push(() => complete(ci, c));
          steps.push(() => {
            if (ch.finish_reason === 'tool_calls' && c.sent === 0 && !c.open) ch.finish_reason = 'stop';
            return notices(ci, c);
          });
        }
        // A chunk that carried only tool-call deltas has nothing left to send.
        if (!Array.isArray(calls) || ch.finish_reason || Object.values(delta ?? {}).some((v) => v !== null && v !== undefined && v !== '')) kept.push(ch);
      }
      steps.push(() => (kept.length || json.usage || !list.length ? sseFrame({ ...json, choices: kept }) : ''));
      return sequence(steps);
    },
    end() {
      return sequence([...choices].flatMap(([ci, c]) => [() => complete(ci, c), () => notices(ci, c)]));
    },
  };
}

/** Messages: a tool call is a `tool_use` content block (start, input_json deltas, stop). */
function messagesGate(decide: DecideToolCall, mode: RefusalMode): FormatGate {
  const positions = new Positions();
  const open = new Map<number, { start: Json; deltas: Json[] }>();
  let keptToolUse = 0;
  const notices: string[] = [];
  const frame = (json: Json): string => sseFrame(json, String(json.type));
  const complete = (index: number): Out => {
    const held = open.get(index);
    if (!held) return '';
    open.delete(index);
    const block = held.start.content_block as Json;
    const json = held.deltas.map((d) => String((d.delta as Json).partial_json ?? '')).join('');
    return whenDecided(decide, mode, { id: String(block.id ?? ''), name: String(block.name ?? ''), arguments: json ? parseArgs(json) : {} }, (refusal, edited) => {
      if (refusal) {
        notices.push(refusal.notice);
        return '';
      }
      keptToolUse++;
      const at = positions.take();
      const deltas = edited === undefined ? held.deltas : [{ type: 'content_block_delta', delta: { type: 'input_json_delta', partial_json: JSON.stringify(edited) } }];
      return [held.start, ...deltas, { type: 'content_block_stop', index: at }].map((ev) => frame({ ...ev, index: at })).join('');
    });
  };
  const noticeBlock = (): string => {
    if (!notices.length) return '';
    const at = positions.take();
    const text = notices.splice(0).join(NOTICE_SEPARATOR);
    return (
      frame({ type: 'content_block_start', index: at, content_block: { type: 'text', text: '' } }) +
      frame({ type: 'content_block_delta', index: at, delta: { type: 'text_delta', text } }) +
      frame({ type: 'content_block_stop', index: at })
    );
  };
  const openIndexes = (): (() => Out)[] => [...open.keys()].map((i) => () => complete(i));
  return {
    event(e, json) {
      if (!json) return raw(e);
      const index = typeof json.index === 'number' ? json.index : undefined;
      positions.start(index);
      switch (json.type) {
        case 'content_block_start':
          if ((json.content_block as Json | undefined)?.type === 'tool_use' && index !== undefined) {
            open.set(index, { start: json, deltas: [] });
            return '';
          }
          break;
        case 'content_block_delta':
          if (index !== undefined && open.has(index)) {
            open.get(index)!.deltas.push(json);
            return '';
          }
          break;
        case 'content_block_stop':
          if (index !== undefined && open.has(index)) return complete(index);
          break;
        case 'message_delta':
          return sequence([
            ...openIndexes(),
            () => {
              const delta = json.delta as Json | undefined;
              if (delta?.stop_reason === 'tool_use' && keptToolUse === 0) delta.stop_reason = 'end_turn';
              return noticeBlock() + frame(json);
            },
          ]);
      }
      return frame(index === undefined ? json : { ...json, index: positions.of(index) });
    },
    end() {
      return sequence([...openIndexes(), noticeBlock]);
    },
  };
}

const RESPONSES_TOOL_ITEMS = new Set(['function_call', 'custom_tool_call']);
const RESPONSES_TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Responses: a tool call is an output item (added, argument deltas, done) at its `output_index`. */
function responsesGate(decide: DecideToolCall, mode: RefusalMode): FormatGate {
  const positions = new Positions();
  const open = new Map<number, Json[]>();
  const refused = new Set<string>();
  /** Arguments an approver changed, by item id: the final response's output must agree with what streamed. */
  const edits = new Map<string, string>();
  const notices: string[] = [];
  /** Sequence numbers from the first parsed event's on; -1 until then. */
  let seq = -1;
  let responseId = '';
  const frame = (json: Json): string => {
    if ('sequence_number' in json) json.sequence_number = seq < 0 ? json.sequence_number : seq++;
    return sseFrame(json, String(json.type));
  };
  const complete = (index: number): Out => {
    const held = open.get(index);
    if (!held) return '';
    open.delete(index);
    const item = ((held.at(-1)!.type === 'response.output_item.done' ? held.at(-1)!.item : held[0]!.item) ?? {}) as Json;
    const args = item.type === 'custom_tool_call' ? (item.input ?? '') : parseArgs(item.arguments ?? '');
    return whenDecided(decide, mode, { id: String(item.call_id ?? ''), name: String(item.name ?? ''), arguments: args }, (refusal, edited) => {
      const key = String(item.id ?? item.call_id);
      if (refusal) {
        refused.add(key);
        notices.push(refusal.notice);
        return '';
      }
      const at = positions.take();
      if (edited === undefined) return held.map((ev) => frame({ ...ev, output_index: at })).join('');
      const text = JSON.stringify(edited);
      edits.set(key, text);
      return held
        .flatMap((ev): Json[] => {
          switch (ev.type) {
            case 'response.function_call_arguments.delta':
              return ev === held.find((h) => h.type === ev.type) ? [{ ...ev, delta: text }] : [];
            case 'response.function_call_arguments.done':
              return [{ ...ev, arguments: text }];
            case 'response.output_item.done':
              return [{ ...ev, item: { ...(ev.item as Json), arguments: text } }];
            default:
              return [ev];
          }
        })
        .map((ev) => frame({ ...ev, output_index: at }))
        .join('');
    });
  };
  const noticeItem = (): { frames: string; item: Json } | null => {
    if (!notices.length) return null;
    const at = positions.take();
    const text = notices.splice(0).join(NOTICE_SEPARATOR);
    const item = responsesNoticeItem(`msg_airlock_${responseId.replace(/^resp_/, '') || at}`, text);
    const id = item.id;
    const part = { type: 'output_text', text, annotations: [] };
    const ev = (type: string, data: Json): string => frame({ type, sequence_number: 0, ...data });
    const frames =
      ev('response.output_item.added', { output_index: at, item: { ...item, status: 'in_progress', content: [] } }) +
      ev('response.content_part.added', { item_id: id, output_index: at, content_index: 0, part: { ...part, text: '' } }) +
      ev('response.output_text.delta', { item_id: id, output_index: at, content_index: 0, delta: text, logprobs: [] }) +
      ev('response.output_text.done', { item_id: id, output_index: at, content_index: 0, text, logprobs: [] }) +
      ev('response.content_part.done', { item_id: id, output_index: at, content_index: 0, part }) +
      ev('response.output_item.done', { output_index: at, item });
    return { frames, item };
  };
  const openIndexes = (): (() => Out)[] => [...open.keys()].map((i) => () => complete(i));
  return {
    event(e, json) {
      if (!json) return raw(e);
      const type = String(json.type);
      const response = json.response as Json | undefined;
      if (response && typeof response.id === 'string') responseId = response.id;
      const index = typeof json.output_index === 'number' ? json.output_index : undefined;
      positions.start(index);
      if (seq < 0 && typeof json.sequence_number === 'number') seq = json.sequence_number;
      if (type === 'response.output_item.added' && index !== undefined && RESPONSES_TOOL_ITEMS.has(String((json.item as Json | undefined)?.type))) {
        open.set(index, [json]);
        return '';
      }
      if (index !== undefined && open.has(index)) {
        open.get(index)!.push(json);
        return type === 'response.output_item.done' ? complete(index) : '';
      }
      if (RESPONSES_TERMINAL.has(type)) {
        return sequence([
          ...openIndexes(),
          () => {
            const notice = noticeItem();
            if (response && Array.isArray(response.output) && (notice || refused.size || edits.size)) {
              const output = (response.output as Json[])
                .filter((item) => !refused.has(String(item.id ?? item.call_id)))
                .map((item) => {
                  const edited = edits.get(String(item.id ?? item.call_id));
                  return edited === undefined ? item : { ...item, arguments: edited };
                });
              if (notice) output.push(notice.item);
              response.output = output;
            }
            return (notice?.frames ?? '') + frame(json);
          },
        ]);
      }
      return frame(index === undefined ? json : { ...json, output_index: positions.of(index) });
    },
    end() {
      return sequence([...openIndexes(), () => noticeItem()?.frames ?? '']);
    },
  };
}

const GATES: Partial<Record<ApiFormat, (decide: DecideToolCall, mode: RefusalMode, textBefore: () => boolean) => FormatGate>> = {
  'openai.chat': chatGate,
  'anthropic.messages': messagesGate,
  'openai.responses': responsesGate,
};

/** Streams in formats that carry no tool calls (embeddings) are not gated. */
export function gatesToolCalls(format: ApiFormat): boolean {
  return format in GATES;
}

/** Comment frames sent while a decision waits, so proxies and SDKs keep the connection (SDKs ignore comments). */
const KEEPALIVE = ': airlock: a tool call is waiting for a decision\n\n';

export function createToolCallGate(format: ApiFormat, decide: DecideToolCall, mode: RefusalMode, keepAliveMs = 15_000): Transform {
  const markers = TOOL_CALL_MARKERS[format];
  const parser = new SseParser();
  let seenToolCall = false;
  /** The parser holds no part of an event: a chunk can pass whole. */
  let atBoundary = true;
  /** Chat text went by before the first tool call (the notice then starts on a new paragraph). */
  let textBefore = false;
  const gate = GATES[format]!(decide, mode, () => textBefore);
  /** Set while a decision waits: every later event is handled after it, in order. */
  let waiting: Promise<void> | null = null;
  let keepAlive: NodeJS.Timeout | null = null;

  const handle = (e: SseEvent): Out => {
    if (!seenToolCall) {
      if (!markers.some((m) => e.data.includes(m))) {
        textBefore ||= format === 'openai.chat' && carriesText(e.data);
        return raw(e);
      }
      seenToolCall = true;
    }
    let json: Json | null = null;
    try {
      const parsed = JSON.parse(e.data) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Json;
    } catch {
      // Not JSON ([DONE], a provider's oddity): passed on as it came.
    }
    return gate.event(e, json);
  };

  const transform = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      const endsEvent = chunk.length > 1 && chunk[chunk.length - 1] === 0x0a && chunk[chunk.length - 2] === 0x0a;
      // The fast path: whole events with no tool call in them go on as they came.
      if (!seenToolCall && atBoundary && endsEvent && !waiting && !markers.some((m) => chunk.includes(m))) {
        textBefore ||= format === 'openai.chat' && carriesText(chunk);
        return callback(null, chunk);
      }
      atBoundary = endsEvent;
      run(parser.push(chunk), false, callback);
    },
    flush(callback) {
      run(parser.end(), true, callback);
    },
    destroy(error, callback) {
      if (keepAlive) clearInterval(keepAlive);
      callback(error);
    },
  });

  const wait = (p: Promise<string>): void => {
    if (!keepAlive) keepAlive = setInterval(() => transform.push(KEEPALIVE), keepAliveMs).unref();
    const current: Promise<void> = p.then((out) => {
      if (out) transform.push(out);
      if (waiting === current && keepAlive) {
        clearInterval(keepAlive);
        keepAlive = null;
      }
      if (waiting === current) waiting = null;
    });
    waiting = current;
  };

  function run(events: SseEvent[], ending: boolean, callback: TransformCallback): void {
    let out = '';
    try {
      for (const e of events) {
        if (waiting) {
          wait(waiting.then(() => handle(e)));
          continue;
        }
        const r = handle(e);
        if (typeof r === 'string') out += r;
        else {
          if (out) transform.push(out);
          out = '';
          wait(r);
        }
      }
      if (ending) {
        if (waiting) wait(waiting.then(() => gate.end()));
        else {
          const r = gate.end();
          if (typeof r === 'string') out += r;
          else wait(r);
        }
      }
      if (out) transform.push(out);
    } catch (error) {
      // What came before the refusal is the agent's: it is read before the error ends the stream.
      if (!out) return callback(error as Error);
      transform.push(out);
      setImmediate(() => callback(error as Error));
      return;
    }
    if (!waiting) return callback();
    const pending = waiting;
    pending.then(
      () => (ending ? finishWhenIdle(callback) : undefined),
      (error: unknown) => (ending ? callback(error as Error) : transform.destroy(error as Error)),
    );
    // Upstream keeps flowing while a decision waits: its events queue behind it.
    if (!ending) callback();
  }

  /** The stream may end only once every decision is in and its frames are out. */
  function finishWhenIdle(callback: TransformCallback): void {
    if (!waiting) return callback();
    waiting.then(
      () => finishWhenIdle(callback),
      (error: unknown) => callback(error as Error),
    );
  }

  return transform;
}
