// `npm run demo:approve [-- --speed 10 --leave 0.1]`: plays the demo's reviewers (two underwriters, one compliance
// reviewer) against the running gateway's approval queue until Ctrl-C, leaving a share of it for you in the console.
import { parseArgs } from 'node:util';
import { gatewayAccess } from './access.js';
import { runApprovers } from './approvers.js';

const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: '1' },
    leave: { type: 'string', default: '0.1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('npm run demo:approve -- [--speed X (reviews X times faster than people)] [--leave SHARE (0–1 of the queue left for you)]');
  process.exit(0);
}
const speed = Number(values.speed);
const leaveShare = Number(values.leave);
if (!(speed > 0) || !(leaveShare >= 0 && leaveShare <= 1)) throw new Error('--speed must be > 0 and --leave between 0 and 1');
const { baseURL, adminKey } = await gatewayAccess();
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
console.log(`Reviewing the loan-application queue at ${baseURL} (Ctrl-C to stop)…`);
const stats = await runApprovers({ baseURL, adminKey, speed, leaveShare, signal: stop.signal, log: (line) => console.log(line) });
console.log(`${stats.approved} approving votes, ${stats.rejected} rejections, ${stats.left} left for a person`);
