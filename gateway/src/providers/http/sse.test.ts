import { describe, expect, it } from 'vitest';
import { SseParser, sseFrame } from './sse.js';

describe('SseParser', () => {
  it('reassembles events split at any byte, including inside a UTF-8 character', () => {
    const text = sseFrame({ t: 'héllo €' }, 'message_start') + ': comment\n\n' + 'data: a\ndata: b\n\n' + 'data: [DONE]\n\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut)), ...p.end()];
      expect(events).toEqual([
        { event: 'message_start', data: '{"t":"héllo €"}' },
        { event: undefined, data: 'a\nb' },
        { event: undefined, data: '[DONE]' },
      ]);
    }
  });

  it('accepts CRLF line endings and a final event without a blank line', () => {
    const p = new SseParser();
    expect([...p.push('event: x\r\ndata: 1\r\n\r\ndata: 2'), ...p.end()]).toEqual([
      { event: 'x', data: '1' },
      { event: undefined, data: '2' },
    ]);
  });
});
