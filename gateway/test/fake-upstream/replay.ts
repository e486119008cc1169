/**
 * Replays a recorded provider exchange byte for byte: status, headers, and a JSON body or an SSE stream. Streams
 * are cut into small pieces at arbitrary byte offsets (inside events, lines and UTF-8 characters alike) and each
 * piece goes out in its own TCP write, the way a real provider's stream reaches a gateway through proxies. The
 * connection can be dropped part-way, in the middle of an event.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** One SSE event as the provider framed it; `comment` lines are what some providers send to keep a stream alive. */
export type WireEvent = { readonly event?: string; readonly data: unknown } | { readonly comment: string };

export interface Transcript {
  readonly name: string;
  /** Where it comes from: the provider's published wire format, an SDK's test fixture, a recorded exchange. */
  readonly source: string;
  /** The upstream's API: what a client must call to receive this reply same-format. */
  readonly api: 'openai.chat' | 'openai.responses' | 'anthropic.messages';
  readonly stream: boolean;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** A non-streaming reply's body (JSON) */
  readonly body?: unknown;
  readonly events?: readonly WireEvent[];
  /** What a client must see, same-format and translated (transcripts.test.ts reads it). */
  readonly expect: TranscriptExpectations;
}

/** Stop reasons in each client API's own words. */
export interface StopWords {
  readonly chat?: string;
  readonly messages?: string;
  readonly responses?: string;
}

export interface TranscriptExpectations {
  readonly text?: string;
  readonly refusal?: string;
  readonly reasoning?: string;
  /** Thinking that carries a signature (Anthropic) must keep it where the client format has a place for it. */
  readonly signature?: string;
  readonly tools?: readonly { readonly name: string; readonly args: unknown }[];
  readonly usage?: { readonly input: number; readonly output: number };
  readonly stop?: StopWords;
  readonly requestId?: string;
  /** Text of citations or server-tool activity that must reach a translated client as text, never as a tool call. */
  readonly annotations?: readonly string[];
  readonly error?: {
    readonly status: number;
    /** The SDK error class name, e.g. `RateLimitError`, `OverloadedError`. */
    readonly sameFormatClass: string;
    readonly translatedClass: string;
    /** Fields of the error body a same-format client must see as the upstream sent them. */
    readonly body?: Readonly<Record<string, unknown>>;
    readonly message: string;
  };
  /** The stream fails after its content: the SDK raises an error with this message, and what came before it stays. */
  readonly midStreamError?: string;
  /** Translation to these client formats is not offered for this transcript (the reason is in `source`). */
  readonly untranslated?: readonly string[];
}

export interface ReplayOptions {
  /** Largest piece per TCP write (default 7 bytes); 0 writes the whole stream at once. */
  readonly pieceBytes?: number;
  /** Destroys the connection this many bytes into the stream. */
  readonly dropAtByte?: number;
  /** Pause between writes, so pieces are not coalesced (default: one turn of the event loop). */
  readonly pauseMs?: number;
}

export function frameEvents(events: readonly WireEvent[]): string {
  return events
    .map((e) => ('comment' in e ? `: ${e.comment}\n\n` : (e.event ? `event: ${e.event}\n` : '') + `data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`))
    .join('');
}

/** A small deterministic generator, so a failing split can be reproduced. */
function pieces(bytes: Buffer, max: number): Buffer[] {
  if (max <= 0) return [bytes];
  const out: Buffer[] = [];
  let seed = bytes.length;
  for (let at = 0; at < bytes.length; ) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (seed % max);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

export async function replayTranscript(res: ServerResponse, t: Transcript, options: ReplayOptions = {}): Promise<void> {
  res.socket?.setNoDelay(true);
  const contentType = t.events ? 'text/event-stream; charset=utf-8' : 'application/json';
  res.writeHead(t.status, { 'content-type': contentType, ...t.headers });
  const bytes = Buffer.from(t.events ? frameEvents(t.events) : JSON.stringify(t.body ?? {}));
  res.flushHeaders();
  let sent = 0;
  for (const piece of pieces(bytes, options.pieceBytes ?? 7)) {
    if (res.destroyed) return;
    if (options.dropAtByte !== undefined && sent + piece.length > options.dropAtByte) {
      res.write(piece.subarray(0, options.dropAtByte - sent));
      await sleep(5);
      res.socket?.destroy();
      return;
    }
    res.write(piece);
    sent += piece.length;
    if (options.pauseMs) await sleep(options.pauseMs);
    else await new Promise((r) => setImmediate(r));
  }
  res.end();
}

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'transcripts');

/** Every transcript in ./transcripts, by name. */
export function loadTranscripts(): Transcript[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Omit<Transcript, 'name'>) }));
}
