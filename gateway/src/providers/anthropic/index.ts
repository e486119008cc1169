/**
 * Anthropic's Messages API. Anthropic-format calls pass through with only `model` rewritten; OpenAI Chat
 * Completions calls are translated to Messages and back, streams included.
 */
import { UpstreamProtocolError } from '../errors.js';
import type { HttpCall, HttpClient } from '../http/client.js';
import type { ApiFormat, ProviderAdapter, UpstreamRequest, UpstreamResponse } from '../provider.js';
import { respond } from '../respond.js';
import { messagesToChatResponse } from '../translate/bodies.js';
import { chatToMessagesRequest } from '../translate/requests.js';
import { MessagesToChatStream } from '../translate/streams.js';
import { withForwardedHeaders } from '../headers.js';
import { MESSAGES_PATH, anthropicHeaders } from './api.js';

const FORMATS: ReadonlySet<ApiFormat> = new Set(['anthropic.messages', 'openai.chat']);

export function createAnthropicAdapter(http: HttpClient): ProviderAdapter {
  return {
    kind: 'anthropic',
    formats: FORMATS,
    // Not async: the call's promise is handed on as it is, one hop fewer on every call.
    send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const { deployment, format } = request;
      if (!FORMATS.has(format)) return Promise.reject(new UpstreamProtocolError(`Anthropic deployments cannot serve ${format} calls`));
      const translated = format === 'openai.chat';
      const body = translated ? chatToMessagesRequest(request.body, deployment.upstreamModel) : { ...request.body, model: deployment.upstreamModel };
      const call: HttpCall = {
        url: deployment.baseUrl + MESSAGES_PATH,
        method: 'POST',
        headers: withForwardedHeaders(anthropicHeaders(deployment), deployment, request.clientHeaders, !translated),
        body: JSON.stringify(body),
        timeouts: deployment.timeouts,
        signal: request.signal,
        format: 'anthropic.messages',
        clientFormat: format,
      };
      const model = String(request.body.model ?? deployment.upstreamModel);
      const includeUsage = Boolean((request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage);
      return respond(http, call, request.stream, {
        format,
        upstreamFormat: translated ? 'anthropic.messages' : format,
        model,
        request: request.body,
        ...(translated
          ? {
              translateBody: (b: Record<string, unknown>) => messagesToChatResponse(b, model),
              translator: () => new MessagesToChatStream(model, includeUsage),
            }
          : {}),
      });
    },
  };
}
