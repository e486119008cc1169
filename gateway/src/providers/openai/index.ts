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
      const body = translated ? messagesToChatRequest(request.body, deployment.upstreamModel) : { ...request.body, model: deployment.upstreamModel };
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
      return respond(http, call, request.stream, {
        format,
        upstreamFormat,
        model,
        ...(translated
          ? {
              translateBody: (b: Record<string, unknown>) => chatToMessagesResponse(b, model),
              translator: () => new ChatToMessagesStream(model),
            }
          : {}),
      });
    },
  };
}
