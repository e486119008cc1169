/**
 * The console as `npm start` serves it: a production build (made here when missing or older than the sources)
 * run by `next start` on a free port, talking to the gateway at `gatewayURL`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { consoleDir, ensureBuild } from '../../scripts/ensure-build.mjs';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface RunningConsole {
  readonly url: string;
  close(): Promise<void>;
}

export async function startConsole(gatewayURL: string): Promise<RunningConsole> {
  ensureBuild();
  const port = await freePort();
  const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const child: ChildProcess = spawn(process.execPath, [next, 'start', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: consoleDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', AIRLOCK_URL: gatewayURL, CONSOLE_SESSION_SECRET: 'console-test-session-secret-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    const up = await fetch(`${url}/login`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the console did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    },
  };
}
