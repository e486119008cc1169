// `npm start`: the gateway (embedded ClickHouse, demo model) and the console beside it. Arguments go to
// `airlock serve`. When one of the two stops, the other is stopped too.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleDir, ensureBuild } from '../console/scripts/ensure-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONSOLE_PORT = process.env.AIRLOCK_CONSOLE_PORT ?? '3000';
const gatewayURL = process.env.AIRLOCK_URL ?? 'http://127.0.0.1:8080';

ensureBuild();

const children = [
  spawn(process.execPath, ['--max-semi-space-size=64', join(root, 'gateway', 'bin', 'airlock.mjs'), 'serve', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    // The gateway prints the console's address beside its own, with the key to sign in with on a first start.
    env: { ...process.env, AIRLOCK_CONSOLE_URL: `http://127.0.0.1:${CONSOLE_PORT}` },
  }),
  spawn(process.execPath, [createRequire(import.meta.url).resolve('next/dist/bin/next'), 'start', '--hostname', '127.0.0.1', '--port', CONSOLE_PORT], {
    cwd: consoleDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', AIRLOCK_URL: gatewayURL },
  }),
];

let exiting = false;
const stopAll = (code) => {
  if (exiting) return;
  exiting = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
};
for (const child of children) child.once('exit', (code) => stopAll(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll(0));
