import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { FileKeyStore } from '../../auth/key-store.js';
import { loadConfig } from '../../config/load.js';

const HELP = `Usage: airlock keys <create|list|revoke> [options]

Manages virtual API keys. Keys are stored hashed; the plain key is printed once, at creation.

  airlock keys create --team TEAM --user USER [--role ROLE]... [--tenant TENANT] [--json]
  airlock keys list [--json]
  airlock keys revoke KEY_ID

Options:
  --config FILE   config file naming the key store (default: $AIRLOCK_CONFIG, else data/keys.json)
`;

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create, list and revoke virtual API keys',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        team: { type: 'string' },
        user: { type: 'string' },
        role: { type: 'string', multiple: true },
        tenant: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const config = await loadConfig(values.config ?? io.env.AIRLOCK_CONFIG, { env: io.env, cwd: io.cwd });
    const store = new FileKeyStore(config.keysFile);
    const [action, ...rest] = positionals;
    switch (action) {
      case 'create': {
        if (!values.team || !values.user) throw new Error('keys create needs --team and --user');
        const { record, plainKey } = await store.create({
          tenant: values.tenant ?? config.tenant,
          team: values.team,
          user: values.user,
          roles: values.role?.length ? values.role : ['user'],
        });
        if (values.json) io.stdout.write(JSON.stringify({ ...record, hash: undefined, key: plainKey }) + '\n');
        else io.stdout.write(`Created ${record.id} (team ${record.team}, user ${record.user}, roles ${record.roles.join(',')})\nKey (shown once): ${plainKey}\n`);
        return 0;
      }
      case 'list': {
        const records = await store.list();
        if (values.json) {
          io.stdout.write(JSON.stringify(records.map(({ hash: _hash, ...r }) => r)) + '\n');
          return 0;
        }
        for (const r of records) {
          io.stdout.write(`${r.id}\t${r.prefix}…\t${r.tenant}/${r.team}/${r.user}\t${r.roles.join(',')}\t${r.revoked_at ? `revoked ${r.revoked_at}` : 'active'}\n`);
        }
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (!id) throw new Error('keys revoke needs a KEY_ID');
        if (!(await store.revoke(id))) {
          io.stderr.write(`airlock keys: no key ${id}\n`);
          return 1;
        }
        io.stdout.write(`Revoked ${id}\n`);
        return 0;
      }
      default:
        io.stderr.write(HELP);
        return 2;
    }
  },
};
