/**
 * Canonical vocabularies, one table each. Adapters and translators map provider words through these tables only.
 */
import type { FinishReason, Usage } from './provider.js';

export const OPENAI_FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

export const ANTHROPIC_STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export const FINISH_TO_OPENAI: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  error: 'stop',
  cancelled: 'stop',
};

export const FINISH_TO_ANTHROPIC: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  error: 'end_turn',
  cancelled: 'end_turn',
};

/** The tool through which a JSON-schema answer is asked of an Anthropic model, which has no `response_format`. */
export const JSON_ANSWER_TOOL = 'json_answer';

export const EMPTY_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** OpenAI chat (`prompt_tokens`) and Responses/embeddings (`input_tokens`) usage objects. */
export function usageFromOpenAI(u: unknown): Usage {
  if (!u || typeof u !== 'object') return EMPTY_USAGE;
  const o = u as Record<string, unknown>;
  const details = (o.prompt_tokens_details ?? o.input_tokens_details) as Record<string, unknown> | undefined;
  return {
    inputTokens: num(o.prompt_tokens ?? o.input_tokens),
    outputTokens: num(o.completion_tokens ?? o.output_tokens),
    cachedInputTokens: num(details?.cached_tokens),
  };
}

/** Anthropic counts cache reads and writes apart from `input_tokens`; we report all prompt tokens as input. */
export function usageFromAnthropic(u: unknown): Usage {
  if (!u || typeof u !== 'object') return EMPTY_USAGE;
  const o = u as Record<string, unknown>;
  const cached = num(o.cache_read_input_tokens);
  return {
    inputTokens: num(o.input_tokens) + cached + num(o.cache_creation_input_tokens),
    outputTokens: num(o.output_tokens),
    cachedInputTokens: cached,
  };
}

export function mergeUsage(a: Usage, b: Partial<Usage>): Usage {
  return {
    inputTokens: b.inputTokens || a.inputTokens,
    outputTokens: b.outputTokens || a.outputTokens,
    cachedInputTokens: b.cachedInputTokens || a.cachedInputTokens,
  };
}

/**
 * Anthropic's final `message_delta` carries the cumulative usage: output tokens always, and input and cache
 * tokens too in current API versions (with server tools, far more than `message_start` announced). Its figures win.
 */
export function anthropicFinalUsage(start: Usage, deltaUsage: unknown): Usage {
  const u = (deltaUsage ?? {}) as Record<string, unknown>;
  const final = usageFromAnthropic(u);
  const hasInput = typeof u.input_tokens === 'number' || typeof u.cache_read_input_tokens === 'number';
  return hasInput && final.inputTokens ? final : mergeUsage(start, { outputTokens: final.outputTokens });
}
