/**
 * Token counts for answers that came without usage (some OpenAI-compatible servers send none, even when asked),
 * so that no call is recorded as free. Counted with a real BPE tokenizer (gpt-tokenizer's o200k_base, the encoding
 * of current OpenAI models; for other models' tokenizers it is an estimate), loaded on first use only: most
 * providers report usage and never need it. The figure is marked as estimated on the trace.
 */
import type { Usage } from './provider.js';

type Json = Record<string, unknown>;
type Counter = (text: string) => number;

let counter: Promise<Counter> | undefined;

function loadCounter(): Promise<Counter> {
  counter ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (m) =>
      (text: string): number => {
        try {
          // Text that happens to spell a special token is counted as text.
          return m.countTokens(text, { disallowedSpecial: new Set() });
        } catch {
          return Math.ceil(text.length / 4);
        }
      },
  );
  return counter;
}

/** Per-message framing tokens of OpenAI's chat format (role, separators), and the reply's priming. */
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;

function collectText(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Json;
    // Text parts, tool arguments and results; images and other binary parts are not text tokens.
    for (const key of ['text', 'content', 'arguments', 'input', 'output', 'refusal', 'thinking', 'name']) {
      const v = o[key];
      if (key === 'input' && v && typeof v === 'object' && !Array.isArray(v)) out.push(JSON.stringify(v));
      else if (v !== undefined) collectText(v, out);
    }
  }
}

/** The prompt side of a request in any client format: system prompts, messages or input items, tool definitions. */
export function requestText(body: Readonly<Json>): { text: string; messages: number } {
  const parts: string[] = [];
  collectText(body.system, parts);
  collectText(body.instructions, parts);
  const messages = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  collectText(body.messages ?? body.input, parts);
  if (body.tools !== undefined) parts.push(JSON.stringify(body.tools));
  return { text: parts.join('\n'), messages: Math.max(1, messages.length) };
}

/** The prompt's token count, for a translated stream's opening event (the upstream reports it only at the end). */
export async function promptTokens(request: Readonly<Json>): Promise<number> {
  const count = await loadCounter();
  const prompt = requestText(request);
  return count(prompt.text) + prompt.messages * PER_MESSAGE + REPLY_PRIMING;
}

/** Usage counted from the request and the answer's text, for an answer that reported none. */
export async function estimateUsage(request: Readonly<Json>, outputText: string): Promise<Usage> {
  const [count, inputTokens] = await Promise.all([loadCounter(), promptTokens(request)]);
  return {
    inputTokens,
    outputTokens: outputText ? count(outputText) : 0,
    cachedInputTokens: 0,
  };
}
