import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { startServer } from '../../server.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the gateway',
  help: `Usage: airlock serve [--config FILE] [--host HOST] [--port PORT]

Starts the gateway. With no config file it serves the built-in demo models.

Options:
  --config FILE   YAML or JSON config file (default: $AIRLOCK_CONFIG, else the built-in demo config)
  --host HOST     interface to listen on (default: the config's server.host, 127.0.0.1)
  --port PORT     port to listen on (default: the config's server.port, 8080)

Environment:
  AIRLOCK_ADMIN_KEY   bootstrap superadmin key, accepted on every route and in every tenant
`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
      strict: true,
    });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be a port number, got "${values.port}"`);
    const server = await startServer({
      configPath: values.config ?? io.env.AIRLOCK_CONFIG,
      ...(values.host ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      env: io.env,
      cwd: io.cwd,
    });
    io.stdout.write(`airlock: gateway listening on ${server.url}\n`);
    await server.closed;
    return 0;
  },
};
