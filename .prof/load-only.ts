import { runLoad } from '../gateway/bench/load.js';
const urls = JSON.parse(process.argv[2]!);
const t = { origin: urls.gateway, path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` }, body: JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] }) };
const r = await runLoad(t, { concurrency: 16, requests: 30000 });
console.log((r.latenciesMs.length / r.elapsedMs) * 1000, r.errors);
