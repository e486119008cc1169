/**
 * Anthropic's Messages API. Anthropic-format calls pass through with only `model` rewritten; OpenAI Chat
 * Completions and Responses calls are translated to Messages and back, streams included.
 */
import { UpstreamProtocolError } from '../errors.js';
import { withForwardedHeaders } from '../headers.js';
import type { HttpCall, HttpClient } from '../http/client.js';
import type { ApiFormat, ProviderAdapter, UpstreamRequest, UpstreamResponse } from '../provider.js';
import { respond, type ReplyOptions } from '../respond.js';
import { messagesToChatResponse } from '../translate/bodies.js';
import { chatToMessagesRequest, jsonAnswerSchema } from '../translate/requests.js';
import { MessagesToResponsesStream, messagesToResponsesResponse, responsesToMessagesRequest } from '../translate/responses.js';
import { MessagesToChatStream } from '../translate/streams.js';
import { asksForUsage } from '../translate/usage-strip.js';
import { MESSAGES_PATH, anthropicHeaders } from './api.js';

type Json = Record<string, unknown>;

/** How a client format reaches Messages and comes back: the request rewrite and the answer's translators. */
interface Translation {
  readonly toMessages: (body: Json, upstreamModel: string) => Json;
  readonly replies: (model: string, request: Json) => Pick<ReplyOptions, 'translateBody' | 'translator'>;
}

const TRANSLATIONS: Partial<Record<ApiFormat, Translation>> = {
  'openai.chat': {
    toMessages: chatToMessagesRequest,
    replies: (model, request) => ({
      translateBody: (b) => messagesToChatResponse(b, model, jsonAnswerSchema(request) !== undefined),
      translator: () => new MessagesToChatStream(model, asksForUsage(request), jsonAnswerSchema(request) !== undefined),
    }),
  },
  'openai.responses': {
    toMessages: responsesToMessagesRequest,
    replies: (model, request) => ({
      translateBody: (b) => messagesToResponsesResponse(b, model, request),
      translator: () => new MessagesToResponsesStream(model, request),
    }),
  },
};

const FORMATS: ReadonlySet<ApiFormat> = new Set(['anthropic.messages', ...(Object.keys(TRANSLATIONS) as ApiFormat[])]);

export function createAnthropicAdapter(http: HttpClient): ProviderAdapter {
  return {
    kind: 'anthropic',
    formats: FORMATS,
    // Not async: the call's promise is handed on as it is, one hop fewer on every call.
    send(request: UpstreamRequest): Promise<UpstreamResponse> {
      const { deployment, format } = request;
      if (!FORMATS.has(format)) return Promise.reject(new UpstreamProtocolError(`Anthropic deployments cannot serve ${format} calls`));
      const translation = TRANSLATIONS[format];
      const body = translation ? translation.toMessages(request.body, deployment.upstreamModel) : { ...request.body, model: deployment.upstreamModel };
      const call: HttpCall = {
        url: deployment.baseUrl + MESSAGES_PATH,
        method: 'POST',
        headers: withForwardedHeaders(anthropicHeaders(deployment), deployment, request.clientHeaders, !translation),
        body: JSON.stringify(body),
        timeouts: deployment.timeouts,
        signal: request.signal,
        format: 'anthropic.messages',
        clientFormat: format,
      };
      const model = String(request.body.model ?? deployment.upstreamModel);
      return respond(http, call, request.stream, {
        format,
        upstreamFormat: 'anthropic.messages',
        model,
        request: request.body,
        ...translation?.replies(model, request.body),
      });
    },
  };
}
