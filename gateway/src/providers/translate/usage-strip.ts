/**
 * The gateway always asks an OpenAI-compatible upstream for usage on Chat Completions streams (without it, a
 * plain SDK stream would be recorded as free and slip past budgets). A client that did not ask must not see the
 * extra chunk: this filter drops the usage-only chunk and takes `usage` off a chunk that also carries a choice
 * (some servers put it on the last content chunk). Every other event goes on unchanged.
 */
import { sseFrame, type SseEvent } from '../http/sse.js';
import type { StreamTranslator } from './streams.js';

export class UsageStrip implements StreamTranslator {
  onEvent(event: SseEvent): string[] {
    if (!event.data.includes('"usage"')) return [sseFrame(event.data, event.event)];
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return [sseFrame(event.data, event.event)];
    }
    if (!data.usage) return [sseFrame(event.data, event.event)];
    const choices = data.choices;
    if (!Array.isArray(choices) || choices.length === 0) return [];
    const { usage: _usage, ...rest } = data;
    return [sseFrame(rest, event.event)];
  }

  end(): string[] {
    return [];
  }
}

/** Whether a Chat Completions request asked for the usage chunk itself. */
export function asksForUsage(body: Readonly<Record<string, unknown>>): boolean {
  return (body.stream_options as { include_usage?: unknown } | null | undefined)?.include_usage === true;
}
