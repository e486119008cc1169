/**
 * Signed checkpoints of the audit trail, kept outside the store: like a Certificate Transparency signed tree head
 * (RFC 6962 §3.5) or a CloudTrail digest file, each one is the gateway's signed statement "at this time, tenant T's
 * trail held entries 1..seq, the last with this hash". Whoever can rewrite ClickHouse cannot forge one, so a trail
 * cut back behind a checkpoint, or rewritten under it, no longer matches it.
 *
 * The checkpoint file is append-only JSON lines; the same lines go to the log and to GET /admin/audit/checkpoints so
 * that they can be shipped somewhere the store's writers cannot reach.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { keyId, verifySignature, type AuditKeys } from './keys.js';

export const CheckpointSchema = z
  .object({
    v: z.literal(1),
    tenant: z.string(),
    seq: z.number().int().positive(),
    head: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.iso.datetime(),
    key_id: z.string(),
    sig: z.string(),
  })
  .strict();
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** What is signed: an unambiguous encoding of tenant, sequence, head hash and time, with a domain tag. */
export function checkpointMessage(c: Pick<Checkpoint, 'tenant' | 'seq' | 'head' | 'at'>): string {
  return JSON.stringify(['airlock.audit.checkpoint.v1', c.tenant, c.seq, c.head, c.at]);
}

export function signCheckpoint(keys: AuditKeys, head: { tenant: string; seq: number; head: string }, at: number): Checkpoint {
  const unsigned = { tenant: head.tenant, seq: head.seq, head: head.head, at: new Date(at).toISOString() };
  return { v: 1, ...unsigned, key_id: keys.keyId, sig: keys.sign(checkpointMessage(unsigned)) };
}

/** Why a checkpoint cannot be trusted, or undefined when its signature holds under `publicKey`. */
export function checkpointFault(publicKey: KeyObject, c: Checkpoint): string | undefined {
  if (c.key_id !== keyId(publicKey)) return `is signed by key ${c.key_id}, not by the given public key ${keyId(publicKey)}`;
  if (!verifySignature(publicKey, checkpointMessage(c), c.sig)) return 'has an invalid signature: the checkpoint was edited or forged';
  return undefined;
}

/** One line of a checkpoint file: a checkpoint, or the reason it is not one. */
export type CheckpointLine = { readonly line: number; readonly checkpoint: Checkpoint } | { readonly line: number; readonly error: string; readonly seq?: number; readonly tenant?: string };

export function parseCheckpoints(text: string): CheckpointLine[] {
  const lines: CheckpointLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      lines.push({ line: i + 1, error: 'is not JSON' });
      return;
    }
    const parsed = CheckpointSchema.safeParse(value);
    if (parsed.success) lines.push({ line: i + 1, checkpoint: parsed.data });
    else {
      const v = value as { seq?: unknown; tenant?: unknown };
      lines.push({
        line: i + 1,
        error: `is not a checkpoint (${parsed.error.issues[0]!.path.join('.') || 'line'}: ${parsed.error.issues[0]!.message})`,
        ...(typeof v?.seq === 'number' ? { seq: v.seq } : {}),
        ...(typeof v?.tenant === 'string' ? { tenant: v.tenant } : {}),
      });
    }
  });
  return lines;
}

export class CheckpointFile {
  constructor(readonly path: string) {}

  /** Appends and forces the lines to disk: checkpoints are rare, and each is worth keeping through a crash. */
  append(checkpoints: readonly Checkpoint[]): void {
    if (!checkpoints.length) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a', 0o644);
    try {
      writeSync(fd, checkpoints.map((c) => JSON.stringify(c) + '\n').join(''));
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  read(): CheckpointLine[] {
    try {
      return parseCheckpoints(readFileSync(this.path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
