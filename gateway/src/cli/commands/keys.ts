import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { isHttpError } from '@airlock/sdk';
import { withAdminAccess } from '../admin-access.js';
import type { KeyRecord } from '../../auth/key-store.js';

const HELP = `Usage: airlock keys <create|list|revoke> [options]

Manages virtual API keys. Keys are stored hashed; the plain key is printed once, at creation.
Every creation and revocation is written to the audit trail.

  airlock keys create --team TEAM --user USER [--role ROLE]... [--json]
  airlock keys list [--json]
  airlock keys revoke KEY_ID

When a gateway is running (at $AIRLOCK_URL, else where the local credential file beside the store says, else the
config's host and port), the command goes through its admin API with $AIRLOCK_ADMIN_KEY, else with the bootstrap key
in that file; otherwise it opens the store itself.

Each command acts in one tenant: the admin key's own, or the one --tenant names (through the API that needs a
superadmin key, such as the bootstrap key). Opening the store directly, it acts in --tenant, else the config's.

Options:
  --tenant TENANT  act in this tenant
  --config FILE    config file (default: $AIRLOCK_CONFIG, else the built-in config)
`;

/** A key as shown to people: never its hash; the plain key only once, at creation. */
type ShownKey = Omit<KeyRecord, 'hash'> & { key?: string };

const strip = <K extends { hash?: string }>({ hash: _hash, ...rest }: K): Omit<K, 'hash'> => rest;

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
    const [action, id] = positionals;
    const actor = `cli (${io.env.USER ?? 'unknown'})`;
    const access = { configPath: values.config, tenant: values.tenant };
    switch (action) {
      case 'create': {
        if (!values.team || !values.user) throw new Error('keys create needs --team and --user');
        const roles = values.role?.length ? values.role : ['user'];
        const created = await withAdminAccess<ShownKey>(io, access, {
          api: async ({ admin }) => (await admin.keys.create({ team: values.team!, user: values.user!, roles })) as ShownKey,
          direct: async ({ keys, tenant }) => {
            const { record, plainKey } = await keys.create(actor, { tenant, team: values.team!, user: values.user!, roles });
            return { ...strip(record), key: plainKey };
          },
        });
        if (values.json) io.stdout.write(JSON.stringify(created) + '\n');
        else io.stdout.write(`Created ${created.id} (team ${created.team}, user ${created.user}, roles ${created.roles.join(',')})\nKey (shown once): ${created.key}\n`);
        return 0;
      }
      case 'list': {
        const keys = await withAdminAccess<ShownKey[]>(io, access, {
          api: async ({ admin }) => (await admin.keys.list()).keys as ShownKey[],
          direct: async ({ keys: admin, tenant }) => (await admin.list(tenant)).map(strip),
        });
        if (values.json) {
          io.stdout.write(JSON.stringify(keys) + '\n');
          return 0;
        }
        for (const r of keys) {
          io.stdout.write(`${r.id}\t${r.prefix}…\t${r.tenant}/${r.team}/${r.user}\t${r.roles.join(',')}\t${r.revoked_at ? `revoked ${r.revoked_at}` : 'active'}\n`);
        }
        return 0;
      }
      case 'revoke': {
        if (!id) throw new Error('keys revoke needs a KEY_ID');
        const done = await withAdminAccess<boolean>(io, access, {
          api: ({ admin }) =>
            admin.keys.revoke(id).then(
              () => true,
              (error: unknown) => (isHttpError(error) && error.status === 404 ? false : Promise.reject(error)),
            ),
          direct: ({ keys, tenant }) => keys.revoke(actor, tenant, id),
        });
        if (!done) {
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
