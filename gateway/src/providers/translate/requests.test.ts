import { describe, expect, it } from 'vitest';
import { chatToMessagesRequest, messagesToChatRequest } from './requests.js';

describe('OpenAI chat → Anthropic messages', () => {
  it('moves system prompts, merges turns, maps tools, tool choice and stops', () => {
    const out = chatToMessagesRequest(
      {
        model: 'gpt',
        temperature: 1.5,
        stop: 'END',
        tool_choice: { type: 'function', function: { name: 'f' } },
        tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } }],
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA=' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'r1' },
          { role: 'user', content: 'next' },
        ],
      },
      'claude-x',
    );
    expect(out).toMatchObject({
      model: 'claude-x',
      system: 'sys',
      max_tokens: 4096,
      temperature: 1,
      stop_sequences: ['END'],
      tool_choice: { type: 'tool', name: 'f' },
      tools: [{ name: 'f', description: 'd', input_schema: { type: 'object' } }],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA=' } }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'f', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'r1' }, { type: 'text', text: 'next' }] },
    ]);
  });
});

describe('Anthropic messages → OpenAI chat', () => {
  it('puts the system prompt first, tool results as tool messages, and asks for usage in streams', () => {
    const out = messagesToChatRequest(
      {
        model: 'claude',
        max_tokens: 10,
        stream: true,
        system: [{ type: 'text', text: 'sys' }],
        tool_choice: { type: 'any' },
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 't1', name: 'f', input: { q: 1 } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }] }] },
        ],
      },
      'gpt-x',
    );
    expect(out).toMatchObject({ model: 'gpt-x', max_tokens: 10, stream: true, stream_options: { include_usage: true }, tool_choice: 'required' });
    expect(out.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'ok', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
    ]);
  });
});

describe('what a translation cannot or must carry', () => {
  it('refuses n > 1 for an Anthropic model, naming the field', () => {
    expect(() => chatToMessagesRequest({ model: 'gpt', n: 3, messages: [{ role: 'user', content: 'x' }] }, 'claude-x')).toThrow(
      expect.objectContaining({ name: 'UnsupportedTranslationError', param: 'n' }),
    );
    expect(chatToMessagesRequest({ model: 'gpt', n: 1, messages: [{ role: 'user', content: 'x' }] }, 'claude-x').messages).toHaveLength(1);
  });

  it('maps reasoning_effort to a thinking budget inside max_tokens, and drops the temperature thinking forbids', () => {
    const out = chatToMessagesRequest({ model: 'gpt', reasoning_effort: 'medium', max_completion_tokens: 3000, temperature: 0.2, messages: [{ role: 'user', content: 'x' }] }, 'claude-x');
    expect(out).toMatchObject({ max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2999 } });
    expect(out.temperature).toBeUndefined();
  });

  it('gives signed thinking back to Anthropic first in the assistant turn, and a refusal as text', () => {
    const out = chatToMessagesRequest(
      {
        model: 'gpt',
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: 'a',
            reasoning_content: 'thought',
            reasoning_details: [{ type: 'reasoning.text', text: 'thought', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }],
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 't1', content: 'r' },
          { role: 'assistant', content: null, refusal: 'I cannot.' },
          { role: 'user', content: 'ok' },
        ],
      },
      'claude-x',
    );
    const messages = out.messages as { role: string; content: Record<string, unknown>[] }[];
    expect(messages[1]!.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(messages[1]!.content[0]).toEqual({ type: 'thinking', thinking: 'thought', signature: 'sig' });
    expect(messages[3]!.content).toEqual([{ type: 'text', text: 'I cannot.' }]);
  });
});
