/**
 * `npm run bench -w gateway`: every gateway benchmark, one after another, in one process.
 */
import { benchMcp } from './mcp.bench.js';
import { benchPolicy } from './policy.bench.js';
import { benchProxyOverhead } from './proxy-overhead.bench.js';
import { benchRedaction } from './redaction.bench.js';
import { benchRouting } from './routing.bench.js';
import { benchStore } from './store.bench.js';

const BENCHES: readonly [string, () => Promise<void>][] = [
  ['proxy overhead', benchProxyOverhead],
  ['routing', benchRouting],
  ['redaction', benchRedaction],
  ['policy', benchPolicy],
  ['store', benchStore],
  ['mcp tools/call', benchMcp],
];

for (const [name, run] of BENCHES) {
  console.log(`\n=== ${name}`);
  await run();
}
