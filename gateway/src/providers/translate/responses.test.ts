import { describe, expect, it } from 'vitest';
import { messagesToResponsesResponse, responsesToMessagesRequest } from './responses.js';

describe('OpenAI Responses request → Anthropic Messages', () => {
  it('maps instructions, input items, tools, tool choice, reasoning and limits', () => {
    const out = responsesToMessagesRequest(
      {
        model: 'gpt',
        instructions: 'Be brief.',
        max_output_tokens: 2048,
        reasoning: { effort: 'low' },
        temperature: 0.3,
        parallel_tool_calls: false,
        tool_choice: { type: 'function', name: 'lookup' },
        tools: [{ type: 'function', name: 'lookup', description: 'Find', parameters: { type: 'object', properties: { id: { type: 'string' } } }, strict: true }, { type: 'web_search' }],
        input: [
          { role: 'developer', content: 'Use tools.' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,AAA=' }] },
          { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thought' }], encrypted_content: 'sig' },
          { type: 'function_call', id: 'fc_1', call_id: 'toolu_1', name: 'lookup', arguments: '{"id":"42"}' },
          { type: 'function_call_output', call_id: 'toolu_1', output: 'shipped' },
          { role: 'assistant', content: [{ type: 'output_text', text: 'It shipped.' }] },
          { role: 'user', content: 'thanks' },
        ],
      },
      'claude-x',
    );
    expect(out).toMatchObject({
      model: 'claude-x',
      system: 'Be brief.\n\nUse tools.',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tool_choice: { type: 'tool', name: 'lookup', disable_parallel_tool_use: true },
      tools: [{ name: 'lookup', description: 'Find', input_schema: { type: 'object' } }, { type: 'web_search_20250305', name: 'web_search' }],
    });
    expect(out.temperature).toBeUndefined();
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA=' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'thought', signature: 'sig' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { id: '42' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'shipped' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It shipped.' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ]);
  });

  it('refuses what needs OpenAI-held state, naming the field', () => {
    for (const [field, body] of [
      ['previous_response_id', { previous_response_id: 'resp_1', input: 'x' }],
      ['conversation', { conversation: 'conv_1', input: 'x' }],
      ['background', { background: true, input: 'x' }],
      ['input[].item_reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }],
      ['tools', { input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }],
    ] as const) {
      expect(() => responsesToMessagesRequest(body, 'claude-x')).toThrow(expect.objectContaining({ name: 'UnsupportedTranslationError', param: field }));
    }
    // store is accepted: the gateway answers store: false.
    expect(responsesToMessagesRequest({ input: 'x', store: true }, 'claude-x').messages).toHaveLength(1);
  });
});

describe('Anthropic Messages answer → OpenAI Responses', () => {
  it('gives reasoning, message, function call and web search items, status and usage', () => {
    const res = messagesToResponsesResponse(
      {
        id: 'msg_1',
        model: 'claude-x',
        stop_reason: 'max_tokens',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'text', text: 'A ' },
          { type: 'text', text: 'cited', citations: [{ type: 'web_search_result_location', url: 'https://x.test', title: 'X', cited_text: 'c' }] },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
        ],
        usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 7 },
      },
      'claude',
      { input: 'x', store: true },
    );
    expect(res).toMatchObject({ id: 'resp_1', object: 'response', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, store: false });
    expect(res.usage).toMatchObject({ input_tokens: 15, input_tokens_details: { cached_tokens: 5 }, output_tokens: 7, total_tokens: 22 });
    const output = res.output as Record<string, unknown>[];
    expect(output.map((o) => o.type)).toEqual(['reasoning', 'web_search_call', 'message', 'function_call']);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: 'sig' });
    expect(output[1]).toMatchObject({ action: { type: 'search', query: 'q' } });
    expect(output[2]).toMatchObject({
      content: [{ type: 'output_text', text: 'A cited', annotations: [{ type: 'url_citation', url: 'https://x.test', title: 'X', start_index: 2, end_index: 7 }] }],
    });
    expect(output[3]).toMatchObject({ call_id: 'toolu_1', name: 'f', arguments: '{"a":1}' });
  });
});
