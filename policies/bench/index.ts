/**
 * `npm run bench -w policies`: the default governance bundle (about 30 rules) deciding on a realistic ~2 KB input —
 * bundle load/compile time, and per-decision latency after loading.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_BUNDLE_DIR, Engine, readBundle } from '../src/index.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5000);

const input = {
  principal: { key_id: 'key_1234567890abcdef', tenant: 'acme', team: 'support', user: 'ann.lee', roles: ['user', 'support-agent'] },
  call: {
    id: 'call_0123456789abcdef0123456789abcdef',
    api: 'openai.chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    stream: true,
    tools: ['lookup_order', 'send_email', 'create_refund', 'search_kb'],
    tool_calls: [
      { name: 'lookup_order', arguments: { order_id: 'A-1029384', include: ['items', 'shipping', 'payments'] } },
      { name: 'send_email', arguments: { to: ['customer@example.com'], subject: 'Your order', body: 'Hello, your order has shipped and will arrive soon.' } },
      { name: 'create_refund', arguments: { amount: 240, currency: 'EUR', reason: 'damaged item', order_id: 'A-1029384' } },
    ],
    target: null,
    estimated_tokens: 1450,
    pii: { EMAIL: 1, PHONE: 0, PERSON: 2 },
  },
  workflow: { id: 'customer-support', run: 'run-8f7e6d5c', step: 'draft-reply' },
  usage: {
    key: { spend_today_micros: 1_250_000, requests_today: 412, requests_this_minute: 7 },
    team: { spend_today_micros: 48_300_000, requests_today: 9_811, requests_this_minute: 140 },
  },
  time: { now_ns: 1.7e18, rfc3339: '2026-11-24T12:00:00Z' },
  context: { ticket: { id: 'T-99812', priority: 'high', tags: ['refund', 'shipping', 'vip'], history: Array.from({ length: 8 }, (_, i) => ({ at: `2026-11-2${i % 9}T10:00:00Z`, by: i % 2 ? 'agent' : 'customer', chars: 300 + i })) } },
};

const t0 = performance.now();
const bundle = await readBundle(DEFAULT_BUNDLE_DIR);
const t1 = performance.now();
const engine = Engine.compile(bundle.modules);
const t2 = performance.now();
console.log(`bundle: ${bundle.modules.length} modules, input ${JSON.stringify(input).length} bytes`);
console.log(`load ${(t1 - t0).toFixed(2)} ms, parse+compile ${(t2 - t1).toFixed(2)} ms`);

const decide = () => engine.document(['airlock', 'decision'], { input, data: bundle.data, strict: true });
const first = decide() as { allow: boolean; hold: unknown };
for (let i = 0; i < 500; i++) decide();
const times: number[] = [];
for (let i = 0; i < ITERATIONS; i++) {
  const s = performance.now();
  decide();
  times.push((performance.now() - s) * 1000);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.floor(q * times.length)]!.toFixed(1);
console.log(`decision (allow=${first.allow}, hold=${first.hold !== null}): p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs over ${ITERATIONS} runs (target p50 ≤ 20 µs)`);
