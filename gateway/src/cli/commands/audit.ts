import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportAudit, parseCheckpoints, parsePublicKey, toChTime, type Checkpoint, type VerifyResult } from '@airlock/clickhouse';
import type { Command } from '../command.js';
import { withAdminAccess } from '../admin-access.js';

const HELP = `Usage: airlock audit <verify|export|checkpoints|public-key> [options]

The audit trail: every administrative act and decision. Each tenant's entries are numbered without gaps, chained by
SHA-256 and sealed with an HMAC under the audit key; the gateway signs checkpoints of each trail's head (Ed25519)
into a file outside the store, to its log and to GET /admin/audit/checkpoints.

  airlock audit verify [--checkpoints FILE] [--public-key FILE] [--json]
      checks the sequence, the chain, the HMAC seals and the checkpoints (by default the gateway's own checkpoint
      file; FILE: checkpoints kept elsewhere, as JSON lines). Exit 0 when intact, 1 naming the first broken entry.
      --public-key: the PEM key the checkpoints must be signed with (default: the gateway's own)
  airlock audit export [--from DATE] [--to DATE] [--format csv|jsonl]
      writes the entries in the range to standard output (default jsonl)
  airlock audit checkpoints
      writes the signed checkpoints to standard output, as JSON lines (to ship elsewhere)
  airlock audit public-key
      prints the public key that verifies the checkpoints (no secret)

Goes through a running gateway's admin API when one answers (with $AIRLOCK_ADMIN_KEY, else the bootstrap key in the
local credential file beside the store); otherwise opens the store with the same key files. All act in one tenant's trail: the admin key's own, or the one --tenant names (through the
API that needs a superadmin key); opening the store directly, --tenant, else the config's tenant.

Options:
  --tenant TENANT  act in this tenant's trail
  --config FILE    config file (default: $AIRLOCK_CONFIG, else the built-in config)
`;

interface CheckpointsView {
  readonly key_id: string;
  readonly public_key: string;
  readonly checkpoints: Checkpoint[];
}

function describe(result: VerifyResult): string {
  const where = `audit trail of tenant ${result.tenant}`;
  if (!result.ok) return `${where} BROKEN at entry ${result.firstBroken!.seq}: ${result.firstBroken!.reason}\n`;
  const n = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
  const cp = result.checkpoints;
  const lines = [
    `${where} intact: ${n(result.entries, 'entry', 'entries')}${result.sealed ? ', HMAC seals checked' : ', HMAC seals NOT checked (no audit key)'}`,
    cp.latest
      ? `  ${n(cp.checked, 'checkpoint matches', 'checkpoints match')} (latest: entry ${cp.latest.seq}, signed ${cp.latest.at}); ${n(cp.unanchored, 'entry is', 'entries are')} newer than it`
      : '  no checkpoint covers this trail yet: the removal of its newest entries could not be detected',
  ];
  return lines.join('\n') + '\n';
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify and export the tamper-evident audit trail and its signed checkpoints',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        checkpoints: { type: 'string' },
        'public-key': { type: 'string' },
        json: { type: 'boolean', default: false },
        tenant: { type: 'string' },
        config: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const noStore = (): never => {
      throw new Error('no trace store is configured (store.kind is none)');
    };
    const access = { configPath: values.config, tenant: values.tenant };
    switch (positionals[0]) {
      case 'verify': {
        const checkpointsText = values.checkpoints === undefined ? undefined : await readFile(resolve(io.cwd, values.checkpoints), 'utf8');
        const publicKeyPem = values['public-key'] === undefined ? undefined : await readFile(resolve(io.cwd, values['public-key']), 'utf8');
        const publicKey = publicKeyPem === undefined ? undefined : parsePublicKey(publicKeyPem);
        const result = await withAdminAccess<VerifyResult>(io, access, {
          api: async ({ admin }) =>
            (await admin.audit.verify(
              checkpointsText === undefined && publicKeyPem === undefined ? undefined : { checkpoints: checkpointsText ?? '', ...(publicKeyPem ? { public_key: publicKeyPem } : {}) },
            )) as VerifyResult,
          direct: async ({ store, tenant }) =>
            (store ?? noStore()).audit.verify(tenant, {
              ...(checkpointsText !== undefined ? { checkpoints: parseCheckpoints(checkpointsText) } : {}),
              ...(publicKey ? { publicKey } : {}),
            }),
        });
        io.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : describe(result));
        return result.ok ? 0 : 1;
      }
      case 'checkpoints':
      case 'public-key': {
        const view = await withAdminAccess<CheckpointsView>(io, access, {
          api: async ({ admin }) => (await admin.audit.checkpoints()) as CheckpointsView,
          direct: async ({ store, tenant }) => {
            const audit = (store ?? noStore()).audit;
            return { key_id: audit.keys.keyId, public_key: audit.keys.publicKeyPem, checkpoints: audit.checkpoints(tenant) };
          },
        });
        io.stdout.write(positionals[0] === 'public-key' ? view.public_key : view.checkpoints.map((c) => JSON.stringify(c) + '\n').join(''));
        return 0;
      }
      case 'export': {
        const format = values.format;
        if (format !== 'csv' && format !== 'jsonl') throw new Error('--format must be csv or jsonl');
        const text = await withAdminAccess<string>(io, access, {
          api: ({ admin }) => admin.audit.export({ format, ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) }),
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
