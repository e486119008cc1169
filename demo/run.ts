// `npm run demo [-- --count 200 --concurrency 8]`: submits loan applications to the running gateway as workflow
// runs, with a progress bar, and prints what happened and what to open in the console.
import { parseArgs } from 'node:util';
import { createAirlock } from '@airlock/sdk';
import { gatewayAccess } from './access.js';
import { runApprovers } from './approvers.js';
import { bottleneck, branches, consoleGuide, runDemo } from './demo.js';
import { WORKFLOW, type Outcome } from './loan-workflow.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', short: 'n', default: '200' },
    concurrency: { type: 'string', short: 'c', default: '8' },
    'services-port': { type: 'string', default: '8090' },
    'hold-timeout': { type: 'string', default: '900', description: 'seconds a run waits for its reviewers' },
    approve: { type: 'boolean', default: false, description: 'also play the approvers (npm run demo:approve) in this process' },
    speed: { type: 'string', default: '1' },
    console: { type: 'string', default: process.env.AIRLOCK_CONSOLE_URL ?? 'http://127.0.0.1:3000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('npm run demo -- [--count N] [--concurrency C] [--hold-timeout S] [--approve [--speed X]] [--services-port P] [--console URL]');
  process.exit(0);
}
const number = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, not ${JSON.stringify(text)}`);
  return n;
};
const count = number('count', values.count);
const { baseURL, adminKey } = await gatewayAccess();
console.log(`Submitting ${count} loan applications to ${baseURL} (workflow ${WORKFLOW})…`);

const bar = (done: number): string => {
  const width = 30;
  const filled = Math.round((done / Math.max(1, count)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${count}`;
};
let pending = 0;
const onProgress = (done: number, outcome: Outcome | Error): void => {
  if (outcome instanceof Error) console.error(`\n${outcome.message}`);
  else if (outcome.decision === 'review-pending' || outcome.email === 'held-pending') pending++;
  const line = `${bar(done)}${pending ? `  ${pending} still with reviewers` : ''}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
  else if (done % 10 === 0 || done === count) console.log(line);
};

const stop = new AbortController();
const approvers = values.approve
  ? runApprovers({ baseURL, adminKey, speed: number('speed', values.speed), leaveShare: 0, signal: stop.signal })
  : null;
const result = await runDemo({
  baseURL,
  adminKey,
  count,
  concurrency: number('concurrency', values.concurrency),
  servicesPort: number('services-port', values['services-port']),
  holdTimeoutMs: number('hold-timeout', values['hold-timeout']) * 1000,
  onProgress,
});
stop.abort();
await approvers;
if (process.stdout.isTTY) process.stdout.write('\n');

console.log(`\n${result.outcomes.length} runs in ${(result.elapsedMs / 1000).toFixed(1)} s${result.errors.length ? `, ${result.errors.length} failed` : ''}:`);
for (const [label, n] of Object.entries(branches(result.outcomes))) console.log(`  ${String(n).padStart(5)}  ${label}`);
console.log(`  raw PII that reached a model: ${result.services.leaks}`);

const top = await bottleneck(createAirlock({ baseURL, apiKey: adminKey, tracesURL: false }).admin).catch(() => null);
console.log(`\n${consoleGuide(result, values.console, top ? `${top.label} (${top.kind.replace('_', ' ')})` : null).join('\n')}`);
process.exitCode = result.errors.length ? 1 : 0;
