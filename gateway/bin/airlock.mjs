#!/usr/bin/env -S node --max-semi-space-size=64
// The flag above: a proxy allocates per call, and young-generation collections copy every call in flight, so a
// 64 MB semi-space (Node's default is 16) means fewer of them; measured in `npm run bench`, about 8 % less CPU per
// call at concurrency 16. The benchmark starts its servers with the flags on this line.
// The airlock command runs the TypeScript sources directly through tsx: no build step to forget.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

registerHooks('./source-condition.mjs', import.meta.url);
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
