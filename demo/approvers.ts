/**
 * The humans of the demo: two underwriters who review held loan decisions (both must approve a large loan: four
 * eyes), and a compliance reviewer who clears confirmation emails leaving the company. Each reads the queue through
 * the admin API, opens a held call (PII masked), takes a while to think — realistic delays, scaled by `speed` — and
 * votes with a reason. A share of the queue is left for a person in the console.
 */
import { createAirlock, HttpError, type Airlock, type ApprovalDetail } from '@airlock/sdk';
import { DISPOSABLE_MAIL } from './applications.js';
import { WORKFLOW } from './loan-workflow.js';

export interface Persona {
  readonly user: string;
  readonly roles: readonly string[];
  /** Seconds a review takes, before `speed`. */
  readonly thinkS: readonly [number, number];
}

export const PERSONAS: readonly Persona[] = [
  { user: 'uma.underwriter', roles: ['approver', 'underwriter'], thinkS: [20, 90] },
  { user: 'victor.underwriter', roles: ['approver', 'underwriter'], thinkS: [30, 120] },
  { user: 'carla.compliance', roles: ['approver'], thinkS: [10, 45] },
];

export interface ApproversOptions {
  readonly baseURL: string;
  /** A key that may create keys (admin or superadmin). */
  readonly adminKey: string;
  /** Review time divided by this (1 = as people take it; the CI test runs at a few hundred). */
  readonly speed: number;
  /** The share of held calls left for a person (decided by approval id, so the same ones every time). */
  readonly leaveShare: number;
  readonly signal: AbortSignal;
  readonly log?: (line: string) => void;
}

/** Votes cast, and held calls left alone. */
export interface ApproverStats {
  approved: number;
  rejected: number;
  left: number;
}

type Vote = { decision: 'approve' | 'reject'; reason: string };

/** The held API call's JSON body, as the approver sees it (strings PII-masked, numbers as sent). */
const bodyOf = (detail: ApprovalDetail): Record<string, unknown> => ((detail.request as { body?: Record<string, unknown> } | null)?.body ?? {}) as Record<string, unknown>;

/** An underwriter approves a loan up to three times the applicant's annual income. */
function underwrite(detail: ApprovalDetail): Vote {
  const body = bodyOf(detail);
  const amount = Number(body.amount);
  const income = Number(body.income_annual);
  if (body.identity_verified !== true) return { decision: 'reject', reason: 'identity not verified' };
  if (!(amount <= 3 * income)) return { decision: 'reject', reason: `${amount} USD is more than three times the annual income of ${income} USD` };
  return { decision: 'approve', reason: `affordable: ${amount} USD against ${income} USD a year, score ${String(body.score)}` };
}

/** Compliance sends loan documents anywhere but to throwaway mailboxes. */
function reviewEmail(detail: ApprovalDetail): Vote {
  const where = `${JSON.stringify(bodyOf(detail).to ?? '')} ${String(detail.reason ?? '')}`.toLowerCase();
  const disposable = DISPOSABLE_MAIL.find((d) => where.includes(d));
  return disposable ? { decision: 'reject', reason: `${disposable} is a disposable mailbox: send a letter instead` } : { decision: 'approve', reason: 'the applicant asked for email confirmation' };
}

/** A stable share in [0, 1) of an approval id. */
function shareOf(id: string): number {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) / 4294967296;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Creates the personas' keys, then reviews the queue until `signal` aborts. */
export async function runApprovers(options: ApproversOptions): Promise<ApproverStats> {
  const log = options.log ?? (() => {});
  const admin = createAirlock({ baseURL: options.baseURL, apiKey: options.adminKey, tracesURL: false }).admin;
  const people: { persona: Persona; client: Airlock }[] = [];
  const stats: ApproverStats = { approved: 0, rejected: 0, left: 0 };
  for (const persona of PERSONAS) {
    const key = await admin.keys.create({ team: 'risk', user: persona.user, roles: [...persona.roles] });
    people.push({ persona, client: createAirlock({ baseURL: options.baseURL, apiKey: key.key, tracesURL: false }) });
  }
  const seen = new Set<string>();
  const reviews = new Set<Promise<void>>();
  const think = (p: Persona): number => ((p.thinkS[0] + Math.random() * (p.thinkS[1] - p.thinkS[0])) * 1000) / options.speed;

  const review = async (person: (typeof people)[number], id: string): Promise<void> => {
    await sleep(think(person.persona), options.signal);
    if (options.signal.aborted) return;
    const detail = await person.client.admin.approvals.get(id);
    if (detail.status !== 'pending') return;
    const vote = detail.approver_role === 'underwriter' ? underwrite(detail) : reviewEmail(detail);
    try {
      if (vote.decision === 'approve') await person.client.admin.approvals.approve(id, { reason: vote.reason });
      else await person.client.admin.approvals.reject(id, { reason: vote.reason });
      if (vote.decision === 'approve') stats.approved++;
      else stats.rejected++;
      log(`${person.persona.user} ${vote.decision === 'approve' ? 'approved' : 'rejected'} ${id}: ${vote.reason}`);
    } catch (error) {
      // Another reviewer's rejection already ended it, or it expired: nothing to do.
      if (error instanceof HttpError && error.status === 409) return;
      throw error;
    }
  };

  while (!options.signal.aborted) {
    let page: Awaited<ReturnType<typeof admin.approvals.list>>;
    try {
      page = await admin.approvals.list({ status: 'pending', workflow: WORKFLOW, limit: 200 });
    } catch (error) {
      if (options.signal.aborted) break;
      // A gateway restarting, or a refused key, should not end a reviewer's shift: say so and look again.
      log(`the queue did not answer (${String((error as Error).message)}); trying again`);
      await sleep(2_000, options.signal);
      continue;
    }
    for (const row of page.approvals) {
      if (seen.has(row.approval_id)) continue;
      seen.add(row.approval_id);
      if (shareOf(row.approval_id) < options.leaveShare) {
        stats.left++;
        log(`left for a person in the console: ${row.approval_id} (${String(row.reason ?? '')})`);
        continue;
      }
      const role = String(row.approver_role ?? 'approver');
      // The most specific reviewers first: an email goes to compliance, not to an underwriter who may also approve.
      const eligible = people.filter((p) => p.persona.roles.includes(role)).sort((a, b) => a.persona.roles.length - b.persona.roles.length);
      const quorum = Number(row.quorum ?? 1);
      for (const person of eligible.slice(0, Math.max(1, quorum))) {
        const task = review(person, row.approval_id)
          .catch((error: unknown) => log(`${person.persona.user}: ${String((error as Error).message)}`))
          .finally(() => reviews.delete(task));
        reviews.add(task);
      }
    }
    await sleep(Math.max(50, 2_000 / options.speed), options.signal);
  }
  await Promise.all(reviews);
  return stats;
}
