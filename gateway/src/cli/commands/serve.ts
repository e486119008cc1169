import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { startServer } from '../../server.js';
import { bootstrapLocalAccess, type Bootstrap } from '../local-credentials.js';

/** What a person needs on first contact: where to go, and with which key (shown once). */
function banner(url: string, access: Bootstrap, consoleURL: string | undefined): string {
  const lines = [`airlock: gateway listening on ${url}`];
  if (consoleURL) lines.push(`airlock: console at ${consoleURL}`);
  const signIn = consoleURL ? `sign in at ${consoleURL} with` : 'the admin API accepts';
  if (access.createdKey) {
    lines.push(
      'airlock: no admin key was configured (AIRLOCK_ADMIN_KEY), so this first start created a bootstrap admin key.',
      `airlock: ${signIn} this key; it is shown once, and the gateway keeps only its hash:`,
      '',
      `    ${access.createdKey}`,
      '',
      `airlock: the airlock CLI on this machine uses it from ${access.path} (mode 0600): no variable needed.`,
    );
  } else if (access.hasKey) {
    lines.push(`airlock: ${signIn} the bootstrap admin key in ${access.path} (the airlock CLI on this machine uses it from there).`);
  }
  return lines.join('\n') + '\n';
}

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
  AIRLOCK_ADMIN_KEY    superadmin key, accepted on every route and in every tenant. Unset, the first start creates
                       a bootstrap admin key, prints it once and writes it to admin-credentials.json beside the
                       store (mode 0600), where the airlock CLI on this machine finds it
  AIRLOCK_CONSOLE_URL  the console's address, printed beside the gateway's (npm start sets it)
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
    const { keys, store } = server.app.airlock;
    const access = await bootstrapLocalAccess({ config: server.config, url: server.url, keys, audit: store?.audit ?? null });
    io.stdout.write(banner(server.url, access, io.env.AIRLOCK_CONSOLE_URL));
    await server.closed;
    return 0;
  },
};
