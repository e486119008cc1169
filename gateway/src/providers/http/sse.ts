/**
 * Incremental Server-Sent Events parsing and framing. The parser accepts arbitrary byte chunks (an event may be
 * split anywhere, even inside a UTF-8 sequence) and yields complete events.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

export class SseParser {
  #decoder = new StringDecoder('utf8');
  #buffer = '';
  #event: string | undefined;
  #data: string[] = [];

  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Buffer | string): SseEvent[] {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.#buffer.indexOf('\n', start);
      if (nl < 0) break;
      let line = this.#buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.#line(line, events);
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  /** Flushes a final event that had no blank line after it. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#buffer) this.#line(this.#buffer, events);
    this.#buffer = '';
    this.#line('', events);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.#data.length || this.#event !== undefined) events.push({ event: this.#event, data: this.#data.join('\n') });
      this.#event = undefined;
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }
}

/** One SSE frame. OpenAI frames carry only `data:`; Anthropic and Responses frames name the event too. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return (event ? `event: ${event}\n` : '') + `data: ${payload}\n\n`;
}
