/**
 * The gateway always asks an OpenAI-compatible upstream for usage on Chat Completions streams (without it, a
 * plain SDK stream would be recorded as free and slip past budgets). A client that did not ask must not see the
 * extra chunk: this filter drops the usage-only chunk and takes `usage` off a chunk that also carries a choice
 * (some servers put it on the last content chunk). Every other byte goes on as the upstream sent it, comments
 * included.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { SseParser, sseFrame } from '../http/sse.js';

/** One raw SSE event without the usage the client did not ask for ('' when nothing else is left). */
function withoutUsage(raw: string): string {
  if (!raw.includes('"usage"')) return raw;
  const [event] = new SseParser().push(raw.endsWith('\n\n') || raw.endsWith('\r\n\r\n') ? raw : raw + '\n\n');
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(event?.data ?? '') as Record<string, unknown>;
  } catch {
    return raw;
  }
  if (!data.usage) return raw;
  if (!Array.isArray(data.choices) || data.choices.length === 0) return '';
  const { usage: _usage, ...rest } = data;
  return sseFrame(rest, event!.event);
}

/**
 * Filters a passed-through stream. It reads what observeStream hands on, which is cut at event boundaries, so
 * every chunk holds whole events (and whole UTF-8 characters).
 */
export function stripUsage(source: Readable): Readable {
  const out = new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      const text = chunk.toString('utf8');
      if (!text.includes('"usage"')) return callback(null, chunk);
      const kept = text
        .split(/(?<=\n\n|\r\n\r\n)/)
        .map(withoutUsage)
        .join('');
      callback(null, kept || undefined);
    },
    destroy(error, callback) {
      source.destroy();
      callback(error);
    },
  });
  source.on('error', (error) => out.destroy(error));
  source.pipe(out);
  return out;
}

/** Whether a Chat Completions request asked for the usage chunk itself. */
export function asksForUsage(body: Readonly<Record<string, unknown>>): boolean {
  return (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
}
