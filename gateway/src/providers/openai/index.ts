/**
 * Any OpenAI-compatible upstream (OpenAI, Azure OpenAI, vLLM, Ollama, …). OpenAI-format calls pass through with
 * only `model` rewritten; Anthropic-format calls are translated to Chat Completions and back.
 */
import type { HttpCall, HttpClient } from '../http/client.js';
import type { ApiFormat, ProviderAdapter, UpstreamRequest, UpstreamResponse } from '../provider.js';
import { respond } from '../respond.js';
import { chatToMessagesResponse } from '../translate/bodies.js';
import { messagesToChatRequest } from '../translate/requests.js';
import { ChatToMessagesStream } from '../translate/streams.js';
import { asksForUsage, stripUsage } from '../translate/usage-strip.js';
import { promptTokens } from '../tokens.js';
import { withForwardedHeaders } from '../headers.js';
import { OPENAI_PATHS, openaiHeaders } from './api.js';

const FORMATS: ReadonlySet<ApiFormat> = new Set(['openai.chat', 'openai.responses', 'openai.embeddings', 'anthropic.messages']);

export function createOpenAIAdapter(http: HttpClient): ProviderAdapter {
  return {
    kind: 'openai',
    formats: FORMATS,
    // Not async: the call's promise is handed on as it is, one hop fewer on every call.
    send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const { deployment, format } = request;
      const translated = format === 'anthropic.messages';
      // Usage is always asked for on chat streams; the extra chunk is filtered out for a client that did not ask.
      const hideUsage = !translated && request.stream && format === 'openai.chat' && !asksForUsage(request.body);
      const body = translated
        ? messagesToChatRequest(request.body, deployment.upstreamModel)
        : hideUsage
          ? { ...request.body, model: deployment.upstreamModel, stream_options: { ...(request.body.stream_options as object | undefined), include_usage: true } }
          : { ...request.body, model: deployment.upstreamModel };
      const upstreamFormat = translated ? 'openai.chat' : (format as keyof typeof OPENAI_PATHS);
      const call: HttpCall = {
        url: deployment.baseUrl + OPENAI_PATHS[upstreamFormat],
        method: 'POST',
        headers: withForwardedHeaders(openaiHeaders(deployment), deployment, request.clientHeaders, false),
        body: JSON.stringify(body),
        timeouts: deployment.timeouts,
        signal: request.signal,
        format: upstreamFormat,
        clientFormat: format,
      };
      const model = String(request.body.model ?? deployment.upstreamModel);
      // An Anthropic client reads the prompt's size from message_start, before OpenAI reports it: counted meanwhile.
      let inputTokens = 0;
      // A count that fails leaves 0 there; it never fails the call.
      const ready = translated && request.stream ? promptTokens(request.body).then((n) => (inputTokens = n), () => 0) : undefined;
      return respond(http, call, request.stream, {
        format,
        upstreamFormat,
        model,
        request: request.body,
        ...(translated
          ? {
              translateBody: (b: Record<string, unknown>) => chatToMessagesResponse(b, model),
              translator: () => new ChatToMessagesStream(model, () => inputTokens),
              ...(ready ? { ready } : {}),
            }
          : hideUsage
            ? { filter: stripUsage }
            : {}),
      });
    },
  };
}
