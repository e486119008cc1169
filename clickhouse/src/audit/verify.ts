/**
 * Verification of one tenant's trail, as a pure function of its entries, the HMAC key (when the verifier holds
 * it) and signed checkpoints. Three independent checks, each catching what the others cannot:
 *  - the sequence and the hash chain: an entry edited in place, removed from the middle, or moved;
 *  - the HMAC seal: a trail re-chained (hashes recomputed after an edit or a removal) by someone without the key;
 *  - the checkpoints: entries removed from the end (a chain cut back is still a valid chain), or a rewritten
 *    trail under a signed head.
 * Every problem names the entry where it starts; the first (lowest sequence number) is reported.
 */
import type { KeyObject } from 'node:crypto';
import { checkpointFault, type Checkpoint, type CheckpointLine } from './checkpoints.js';
import { GENESIS_HASH, entryHash, type AuditEntry } from './entry.js';

export interface VerifyResult {
  readonly ok: boolean;
  readonly tenant: string;
  readonly entries: number;
  /** The last entry of the trail as stored. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** Whether the HMAC seals were checked (the verifier holds the audit key). */
  readonly sealed: boolean;
  readonly checkpoints: {
    /** Checkpoints of this tenant whose signature holds and which the trail was compared with. */
    readonly checked: number;
    readonly latest: { readonly seq: number; readonly at: string } | null;
    /** Entries after the latest checkpoint: their removal from the end could not be detected yet. */
    readonly unanchored: number;
  };
  /** The first broken point, and why. */
  readonly firstBroken?: { readonly seq: number; readonly reason: string };
}

export interface VerifyInput {
  readonly tenant: string;
  /** The tenant's entries, ordered by sequence number. */
  readonly entries: readonly AuditEntry[];
  /** Computes an entry's seal; null when the verifier does not hold the HMAC key. */
  readonly seal: ((hash: string) => string) | null;
  /** The checkpoint lines to compare with (other tenants' are skipped), and the key they must be signed with. */
  readonly checkpoints: readonly CheckpointLine[];
  readonly publicKey: KeyObject;
}

interface Problem {
  readonly seq: number;
  readonly reason: string;
}

function chainProblem(entries: readonly AuditEntry[], seal: VerifyInput['seal']): Problem | undefined {
  let prev = GENESIS_HASH;
  let expected = 1;
  for (const e of entries) {
    if (e.seq > expected) {
      const missing = e.seq - 1 === expected ? `entry ${expected} is missing` : `entries ${expected}–${e.seq - 1} are missing`;
      return { seq: expected, reason: `${missing}: the trail jumps from ${expected - 1} to ${e.seq} (deleted)` };
    }
    if (e.seq < expected) return { seq: e.seq, reason: `entry ${e.seq} appears again after entry ${expected - 1} (duplicated or reordered)` };
    if (e.prev_hash !== prev) return { seq: e.seq, reason: `prev_hash does not match entry ${e.seq - 1}: entries were removed, inserted or reordered here` };
    if (entryHash(e) !== e.hash) return { seq: e.seq, reason: 'the entry was changed after it was written (its hash does not match its fields)' };
    if (seal && seal(e.hash) !== e.mac) {
      return { seq: e.seq, reason: e.mac ? 'the HMAC does not match: the entry was rewritten or the trail re-chained without the audit key' : 'the entry has no HMAC seal' };
    }
    prev = e.hash;
    expected++;
  }
  return undefined;
}

function checkpointProblems(input: VerifyInput, bySeq: ReadonlyMap<number, AuditEntry>, last: number): { problems: Problem[]; valid: Checkpoint[] } {
  const problems: Problem[] = [];
  const valid: Checkpoint[] = [];
  for (const line of input.checkpoints) {
    if (!('checkpoint' in line)) {
      if (line.tenant === undefined || line.tenant === input.tenant) problems.push({ seq: line.seq ?? 0, reason: `checkpoint line ${line.line} ${line.error}` });
      continue;
    }
    const c = line.checkpoint;
    if (c.tenant !== input.tenant) continue;
    const fault = checkpointFault(input.publicKey, c);
    if (fault) {
      problems.push({ seq: c.seq, reason: `the checkpoint on line ${line.line} (entry ${c.seq}, ${c.at}) ${fault}` });
      continue;
    }
    valid.push(c);
    const at = bySeq.get(c.seq);
    if (c.seq > last) {
      problems.push({ seq: last + 1, reason: `the trail ends at entry ${last}, but the checkpoint signed at ${c.at} covers entries up to ${c.seq}: the newest ${c.seq - last} ${c.seq - last === 1 ? 'entry was' : 'entries were'} deleted (truncated)` });
    } else if (at && at.hash !== c.head) {
      problems.push({ seq: c.seq, reason: `entry ${c.seq} is not the one the checkpoint signed at ${c.at} covers: the trail was rewritten up to here` });
    }
  }
  return { problems, valid };
}

export function verifyTrail(input: VerifyInput): VerifyResult {
  const { entries } = input;
  const lastEntry = entries.at(-1);
  const last = lastEntry?.seq ?? 0;
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const chain = chainProblem(entries, input.seal);
  const { problems, valid } = checkpointProblems(input, bySeq, last);
  if (chain) problems.unshift(chain);
  const first = problems.reduce<Problem | undefined>((a, p) => (a === undefined || p.seq < a.seq ? p : a), undefined);
  const latest = valid.reduce<Checkpoint | undefined>((a, c) => (a === undefined || c.seq > a.seq ? c : a), undefined);
  return {
    ok: first === undefined,
    tenant: input.tenant,
    entries: entries.length,
    head: lastEntry ? { seq: lastEntry.seq, hash: lastEntry.hash } : null,
    sealed: input.seal !== null,
    checkpoints: { checked: valid.length, latest: latest ? { seq: latest.seq, at: latest.at } : null, unanchored: Math.max(0, last - (latest?.seq ?? 0)) },
    ...(first ? { firstBroken: first } : {}),
  };
}
