/** The wire formats clients speak to the gateway. An adapter translates when its upstream speaks another. */
export type ApiFormat = 'openai.chat' | 'openai.responses' | 'openai.embeddings' | 'anthropic.messages';

/** The API a call came in on: a model API, or `http` for bot and API calls through /api/:system. */
export type CallApi = ApiFormat | 'http';
