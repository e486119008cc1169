import { parseArgs } from 'node:util';
import { exportAudit, toChTime, type VerifyResult } from '@airlock/clickhouse';
import type { Command } from '../command.js';
import { apiFailure, withAdminAccess } from '../admin-access.js';

const HELP = `Usage: airlock audit <verify|export> [options]

The audit trail: every administrative act and decision, each entry chained to the one before by SHA-256.

  airlock audit verify
      walks the chain; exit 0 when intact, 1 naming the first broken link
  airlock audit export [--from DATE] [--to DATE] [--format csv|jsonl]
      writes the entries in the range to standard output (default jsonl)

Goes through a running gateway's admin API when $AIRLOCK_ADMIN_KEY is set and it answers; otherwise opens the store.
Both act in one tenant's trail: the admin key's own, or the one --tenant names (through the API that needs a
superadmin key); opening the store directly, --tenant, else the config's tenant.

Options:
  --tenant TENANT  act in this tenant's trail
  --config FILE    config file (default: $AIRLOCK_CONFIG, else the built-in config)
`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify and export the tamper-evident audit trail',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'jsonl' }, tenant: { type: 'string' }, config: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const access = { configPath: values.config, tenant: values.tenant };
    const noStore = (): never => {
      throw new Error('no trace store is configured (store.kind is none)');
    };
    switch (positionals[0]) {
      case 'verify': {
        const result = await withAdminAccess<VerifyResult>(io, access, {
          api: async (api) => {
            const res = await api.call('GET', '/admin/audit/verify');
            if (!res.ok) throw await apiFailure(res);
            return (await res.json()) as VerifyResult;
          },
          direct: async ({ store, tenant }) => (store ?? noStore()).audit.verify(tenant),
        });
        if (result.ok) {
          io.stdout.write(`audit trail intact: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}\n`);
          return 0;
        }
        io.stdout.write(`audit trail BROKEN at entry ${result.firstBroken!.seq}: ${result.firstBroken!.reason}\n`);
        return 1;
      }
      case 'export': {
        const format = values.format;
        if (format !== 'csv' && format !== 'jsonl') throw new Error('--format must be csv or jsonl');
        const text = await withAdminAccess<string>(io, access, {
          api: async (api) => {
            const q = new URLSearchParams({ format, ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) });
            const res = await api.call('GET', `/admin/audit/export?${q}`);
            if (!res.ok) throw await apiFailure(res);
            return res.text();
          },
          direct: async ({ store, tenant }) => {
            const entries = await (store ?? noStore()).audit.entries(tenant, {
              ...(values.from ? { from: toChTime(values.from) } : {}),
              ...(values.to ? { to: toChTime(values.to) } : {}),
            });
            return exportAudit(entries, format);
          },
        });
        io.stdout.write(text);
        return 0;
      }
      default:
        io.stderr.write(HELP);
        return 2;
    }
  },
};
