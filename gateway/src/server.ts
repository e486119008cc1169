/**
 * Loads the config, builds the app and listens; closes cleanly on SIGINT/SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type GatewayConfig } from './config/load.js';

export interface StartOptions {
  readonly configPath?: string | undefined;
  readonly host?: string;
  readonly port?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly config: GatewayConfig;
  readonly url: string;
  /** Settles once the server has shut down. */
  readonly closed: Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const config = await loadConfig(options.configPath, { env: options.env, cwd: options.cwd });
  const app = await buildApp({ config, logger: { level: options.env.AIRLOCK_LOG_LEVEL ?? 'info' } });
  let onClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  app.addHook('onClose', async () => onClosed());
  const url = await app.listen({ host: options.host ?? config.host, port: options.port ?? config.port });
  const stop = (): void => void app.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { app, config, url, closed };
}
