/** The wire formats clients speak to the gateway. An adapter translates when its upstream speaks another. */
export type ApiFormat = 'openai.chat' | 'openai.responses' | 'openai.embeddings' | 'anthropic.messages';

/** The API a call came in on: a model API, `http` for bot and API calls through /api/:system, `mcp` for MCP requests. */
export type CallApi = ApiFormat | 'http' | 'mcp';
