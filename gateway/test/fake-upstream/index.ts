/**
 * A local stand-in for model providers, speaking OpenAI's and Anthropic's real wire formats (JSON and SSE) on
 * 127.0.0.1. It records what it receives and can fail in each way a real provider does.
 *
 *   const up = await startFakeUpstream();
 *   up.openaiBaseUrl      // http://127.0.0.1:PORT/v1   (for an `openai` provider)
 *   up.anthropicBaseUrl   // http://127.0.0.1:PORT      (for an `anthropic` provider)
 *   up.behave({ kind: 'status', status: 429, retryAfter: 1 })   // next request(s) fail so
 *   up.requests           // every request received: path, headers, parsed body, cancelled flag
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoReply, encodeEmbedding, type DemoReply } from '../../src/providers/demo/reply.js';
import { anthropicEvents, anthropicMessage, chatChunks, chatCompletion, responsesBody, responsesEvents } from '../../src/providers/demo/render.js';
import { replayTranscript, type ReplayOptions, type Transcript } from './replay.js';

export type Behavior =
  /**
   * Answers normally; `text` replaces the demo reply (e.g. to make the "model" write something), `toolCalls` makes
   * the "model" call those tools (after the text, if any), as the real APIs frame them.
   */
  | { kind: 'ok'; text?: string; toolCalls?: readonly FakeToolCall[] }
  | { kind: 'status'; status: number; message?: string; retryAfter?: number; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Waits before sending headers. */
  | { kind: 'slow'; delayMs: number }
  /** Streams `afterEvents` events, then destroys the connection (non-streaming: sends headers, then destroys it). */
  | { kind: 'drop'; afterEvents: number }
  /** Streams `afterEvents` events, then goes silent (connection kept open). */
  | { kind: 'stall'; afterEvents: number }
  /** Answers 200 with this body, as it is (a broken upstream: not JSON, or not what was asked for). */
  | { kind: 'raw'; body: string }
  /** Replays a recorded wire transcript (replay.ts), whatever was asked. */
  | ({ kind: 'replay'; transcript: Transcript } & ReplayOptions);

export interface FakeToolCall {
  readonly name: string;
  /** An object (sent as JSON) or the exact argument text. */
  readonly arguments: unknown;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** True once the client went away before the response was complete. */
  cancelled: boolean;
  completed: boolean;
}

export interface FakeUpstream {
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Behaviour for the next `times` requests (default: every request until changed). */
  behave(behavior: Behavior, times?: number): void;
  /** Milliseconds between stream events (default 5), so clients can see chunks arrive one by one. */
  setEventDelay(ms: number): void;
  /** Resolves when a request has been cancelled by its client. */
  waitForCancel(index?: number, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorBody(path: string, status: number, message: string): unknown {
  if (path.endsWith('/messages')) {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: null } };
}

type Scripted = Pick<Extract<Behavior, { kind: 'ok' }>, 'text' | 'toolCalls'>;

function replyFor(body: Record<string, unknown>, scripted: Scripted | undefined): DemoReply {
  if (scripted?.text === undefined && !scripted?.toolCalls) return demoReply(body);
  const words = scripted.text ? scripted.text.split(/(?<= )/) : [];
  const toolCalls = (scripted.toolCalls ?? []).map((c, i) => ({
    id: `call_fake${String(i).padStart(4, '0')}${'x'.repeat(16)}`,
    name: c.name,
    arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
  return { words, toolCalls, inputTokens: 1, outputTokens: words.length + toolCalls.length * 8 };
}

function frames(path: string, body: Record<string, unknown>, scripted?: Scripted): Iterable<string> {
  const reply = replyFor(body, scripted);
  const model = String(body.model);
  if (path.endsWith('/messages')) return anthropicEvents('msg_fake0001', model, reply);
  if (path.endsWith('/responses')) return responsesEvents('resp_fake0001', model, reply);
  const includeUsage = Boolean((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage);
  return chatChunks('chatcmpl-fake0001', model, reply, includeUsage);
}

function jsonReply(path: string, body: Record<string, unknown>, scripted?: Scripted): unknown {
  const reply = replyFor(body, scripted);
  const model = String(body.model);
  if (path.endsWith('/messages')) return anthropicMessage('msg_fake0001', model, reply);
  if (path.endsWith('/responses')) return responsesBody('resp_fake0001', model, reply);
  if (path.endsWith('/embeddings')) {
    return { object: 'list', data: [{ object: 'embedding', index: 0, embedding: encodeEmbedding([0.1, 0.2, 0.3], body.encoding_format) }], model, usage: { prompt_tokens: 2, total_tokens: 2 } };
  }
  return chatCompletion('chatcmpl-fake0001', model, reply);
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: ReceivedRequest[] = [];
  const queue: Behavior[] = [];
  let standing: Behavior = { kind: 'ok' };
  let eventDelay = 5;
  const sockets = new Set<Socket>();
  const cancelWaiters: (() => void)[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Recorded as empty; the status below tells the client.
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const record: ReceivedRequest = { path, headers: req.headers, body, cancelled: false, completed: false };
    requests.push(record);
    res.on('close', () => {
      if (!record.completed) {
        record.cancelled = true;
        cancelWaiters.splice(0).forEach((w) => w());
      }
    });
    const behavior = queue.shift() ?? standing;
    if (behavior.kind === 'hang') return;
    if (behavior.kind === 'slow') await sleep(behavior.delayMs);
    if (behavior.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behavior.retryAfter !== undefined) headers['retry-after'] = String(behavior.retryAfter);
      Object.assign(headers, behavior.headers);
      res.writeHead(behavior.status, headers);
      record.completed = true;
      res.end(JSON.stringify(errorBody(path, behavior.status, behavior.message ?? `fake upstream failure ${behavior.status}`)));
      return;
    }
    if (behavior.kind === 'replay') {
      await replayTranscript(res, behavior.transcript, behavior);
      record.completed = !res.destroyed || res.writableFinished;
      return;
    }
    if (behavior.kind === 'raw') {
      record.completed = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(behavior.body);
      return;
    }
    if (body.stream !== true && behavior.kind === 'drop') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      res.socket?.destroy();
      return;
    }
    if (body.stream !== true) {
      const reply = JSON.stringify(jsonReply(path, body, behavior.kind === 'ok' ? behavior : undefined));
      record.completed = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let sent = 0;
    for (const frame of frames(path, body, behavior.kind === 'ok' ? behavior : undefined)) {
      if (res.destroyed) return;
      if ((behavior.kind === 'drop' || behavior.kind === 'stall') && sent === behavior.afterEvents) {
        if (behavior.kind === 'drop') res.socket?.destroy();
        return;
      }
      res.write(frame);
      sent++;
      if (eventDelay > 0) await sleep(eventDelay);
    }
    record.completed = true;
    res.end();
  };

  const server = createServer((req, res) => {
    // A body the fake cannot make sense of is refused as a real provider refuses it: 400 in its own error shape.
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody((req.url ?? '/').split('?')[0]!, 400, `fake upstream cannot process this request: ${(error as Error).message}`)));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    behave(behavior, times) {
      if (times === undefined) {
        queue.length = 0;
        standing = behavior;
      } else for (let i = 0; i < times; i++) queue.push(behavior);
    },
    setEventDelay(ms) {
      eventDelay = ms;
    },
    async waitForCancel(index = requests.length - 1, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = requests[index];
        if (r?.cancelled) return r;
        if (Date.now() > deadline) throw new Error(`request ${index} was not cancelled within ${timeoutMs} ms`);
        await Promise.race([new Promise<void>((resolve) => cancelWaiters.push(resolve)), sleep(50)]);
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
