/**
 * One loan application as a workflow run of five steps, every step real calls through the gateway: the OpenAI SDK
 * (wrapped by the Airlock SDK, so its calls carry the run and step) for model calls, the SDK's context `fetch` for
 * API calls through /api/:system, and the SDK's approvals client for calls the policy holds.
 */
import type { Airlock, Approval } from '@airlock/sdk';
import type OpenAI from 'openai';
import type { Application } from './applications.js';

export const WORKFLOW = 'loan-application';

/** What happened to one application, branch by branch (the demo's summary and its test read these). */
export interface Outcome {
  readonly application: string;
  readonly run: string;
  /** The extraction model's answer had the applicant's real SSN, email and IBAN back (the model saw placeholders). */
  readonly piiRestored: boolean;
  /** The deployment that served the extraction (`x-airlock-served-by`). */
  readonly extractedBy: string;
  readonly identityVerified: boolean;
  readonly score: number;
  /** How the loan decision ended: by policy alone, or by the underwriters after a hold. */
  readonly decision: 'approved' | 'refused' | 'review-approved' | 'review-rejected' | 'review-pending';
  readonly decisionReason: string;
  /** Underwriter votes the held decision needed (2 for a large loan). */
  readonly quorum: number;
  readonly email: 'sent' | 'held-sent' | 'held-refused' | 'held-pending' | 'none';
  readonly approvals: readonly string[];
}

export interface WorkflowDeps {
  readonly airlock: Airlock;
  readonly openai: OpenAI;
  /** The bot's key (a `user` key of team lending). */
  readonly apiKey: string;
  /** How long a step waits for a held call's humans before the run goes on without the answer. */
  readonly holdTimeoutMs: number;
}

interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A decision held for approval: the approval's end state, or null when the humans did not decide in time. */
async function waitForHumans(deps: WorkflowDeps, approvalId: string): Promise<Approval | null> {
  try {
    return await deps.airlock.approvals.wait(approvalId, { timeoutMs: deps.holdTimeoutMs, intervalMs: 200 });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return null;
    throw error;
  }
}

export async function processApplication(deps: WorkflowDeps, app: Application): Promise<Outcome> {
  const { airlock, openai } = deps;
  const fetch = airlock.fetch();
  const api = async (system: string, path: string, body: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${airlock.options.baseURL}/api/${system}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deps.apiKey}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'async' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const failed = (what: string, answer: ApiAnswer): Error => new Error(`${app.id}: ${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const approvals: string[] = [];

  return airlock.workflow(WORKFLOW).run(async (run) => {
    // 1. The model extracts the fields; it sees placeholders, the answer comes back with the real values.
    const extraction = await run.step('data-capture', async () => {
      const { data, response } = await openai.chat.completions
        .create({
          model: 'demo-extract',
          messages: [
            { role: 'system', content: 'Extract the applicant and loan fields of this application as JSON.' },
            { role: 'user', content: app.text },
          ],
        })
        .withResponse();
      const fields = JSON.parse(data.choices[0]?.message.content ?? '{}') as Record<string, unknown>;
      return { fields, servedBy: response.headers.get('x-airlock-served-by') ?? '' };
    });
    const f = extraction.fields;
    const piiRestored = f.ssn === app.applicant.ssn && f.email === app.applicant.email && f.iban === app.applicant.iban;

    // 2. The agent asks the model, which calls the document-check tool; the agent runs it and hands back the result.
    const identityVerified = await run.step('identity-verification', async () => {
      const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
        { type: 'function', function: { name: 'check_document', description: 'Checks an identity document against the applicant', parameters: { type: 'object', properties: { input: { type: 'string' } } } } },
      ];
      const ask: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: 'user', content: `Please call check_document for the passport of ${String(f.name)} (application ${app.id}).` };
      const first = await openai.chat.completions.create({ model: 'demo-1', messages: [ask], tools });
      const call = first.choices[0]?.message.tool_calls?.[0];
      if (!call || call.type !== 'function') throw new Error(`${app.id}: the model did not call check_document`);
      const check = await api('doc-check', '/verifications', { application_id: app.id, document: 'passport', name: f.name, ssn: f.ssn });
      if (check.status !== 200) throw failed('the document check', check);
      await openai.chat.completions.create({
        model: 'demo-1',
        messages: [ask, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify(check.body) }],
        tools,
      });
      return check.body.verified === true;
    });

    // 3. The credit bureau, through the gateway like any other system.
    const score = await run.step('credit-evaluation', async () => {
      const report = await api('credit-bureau', '/reports', { application_id: app.id, name: f.name, ssn: f.ssn });
      if (report.status !== 200) throw failed('the credit bureau', report);
      return Number(report.body.score);
    });

    // 4. The proposed approval goes to the loan desk; the policy lets it through, refuses it, or holds it for
    // underwriters (two for a large loan).
    const routed = await run.step('decision-routing', async () => {
      const proposal = { application_id: app.id, decision: 'approve', amount: app.amount, score, income_annual: app.incomeAnnual, term_months: app.termMonths, identity_verified: identityVerified };
      const answer = await api('loan-desk', '/decisions', proposal);
      if (answer.status === 201) return { decision: 'approved' as const, reason: 'within the credit policy', quorum: 0 };
      if (answer.status === 403) return { decision: 'refused' as const, reason: errorMessage(answer.body), quorum: 0 };
      if (answer.status !== 202) throw failed('the loan desk', answer);
      const id = String(answer.body.approval_id);
      approvals.push(id);
      const held = await airlock.approvals.get(id);
      const quorum = Number(held.quorum ?? 1);
      const end = await waitForHumans(deps, id);
      if (!end) return { decision: 'review-pending' as const, reason: String(held.reason ?? ''), quorum };
      if (end.status === 'executed') return { decision: 'review-approved' as const, reason: String(held.reason ?? ''), quorum };
      return { decision: 'review-rejected' as const, reason: String(end.decision_reason ?? end.status), quorum };
    });

    // 5. The bot books the outcome in the system of record and sends the confirmation: to the branch for branch
    // customers, to the applicant for online ones, which leaves the company and waits for a reviewer.
    const email = await run.step('bot-execution', async () => {
      if (routed.decision === 'review-pending') return 'none' as const;
      const approved = routed.decision === 'approved' || routed.decision === 'review-approved';
      const booked = await api('core-banking', '/loans', { application_id: app.id, status: approved ? 'approved' : 'declined', amount: app.amount, iban: f.iban });
      if (booked.status !== 201) throw failed('core banking', booked);
      const to = app.channel === 'online' ? String(f.email) : 'branch-lending@example.com';
      const message = {
        to,
        subject: `Your loan application ${app.id}`,
        text: `Dear ${String(f.name)}, your application for ${app.amount} USD was ${approved ? 'approved' : 'declined'}.`,
      };
      const sent = await api('mailer', '/messages', message);
      if (sent.status === 202 && typeof sent.body.approval_id === 'string') {
        approvals.push(sent.body.approval_id);
        const end = await waitForHumans(deps, sent.body.approval_id);
        if (!end) return 'held-pending' as const;
        return end.status === 'executed' ? ('held-sent' as const) : ('held-refused' as const);
      }
      if (sent.status !== 201) throw failed('the mailer', sent);
      return 'sent' as const;
    });

    return {
      application: app.id,
      run: run.id,
      piiRestored,
      extractedBy: extraction.servedBy,
      identityVerified,
      score,
      decision: routed.decision,
      decisionReason: routed.reason,
      quorum: routed.quorum,
      email,
      approvals,
    };
  });
}

function errorMessage(body: Record<string, unknown>): string {
  const error = body.error as { message?: unknown } | undefined;
  return typeof error?.message === 'string' ? error.message : JSON.stringify(body);
}
