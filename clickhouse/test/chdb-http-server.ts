/**
 * Starts and stops a real ClickHouse HTTP endpoint on 127.0.0.1 (libchdb driven from python3, see
 * chdb-http-server.py), so the server adapter is tested against ClickHouse itself, killed and restarted included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SCRIPT = fileURLToPath(new URL('./chdb-http-server.py', import.meta.url));

export function libchdbPath(): string {
  return join(dirname(require.resolve('@chdb/lib-linux-x64-gnu/package.json', { paths: [require.resolve('chdb')] })), 'libchdb.so');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface ChdbHttpServer {
  readonly url: string;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory. */
  restart(): Promise<void>;
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`chdb HTTP server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chdb HTTP server did not answer within ${timeoutMs} ms`);
}

export async function startChdbHttpServer(dataDir: string): Promise<ChdbHttpServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    child = spawn('python3', [SCRIPT, libchdbPath(), String(port), dataDir], { stdio: 'ignore' });
    await waitForPing(url, child);
  };
  await start();
  return {
    url,
    async kill() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    restart: start,
  };
}
