/**
 * A small demo (N = 20) through a real gateway on demo/airlock.yaml — embedded store, default policy bundle — with
 * the demo's services and its approvers (fast), checking that every branch of the workflow happened and that the
 * gateway's own records agree.
 */
import { buildApp, loadConfig } from '@airlock/gateway';
import { createAirlock } from '@airlock/sdk';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateApplications } from './applications.js';
import { runApprovers } from './approvers.js';
import { bottleneck, branches, runDemo, type DemoResult } from './demo.js';
import { WORKFLOW } from './loan-workflow.js';
import { startServices, type DemoServices } from './services.js';

const ADMIN_KEY = 'demo-test-admin-key-0123456789';
const COUNT = 20;
let dir: string;
let app: Awaited<ReturnType<typeof buildApp>>;
let services: DemoServices;
let baseURL: string;
let result: DemoResult;
let votes: Awaited<ReturnType<typeof runApprovers>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-demo-'));
  services = await startServices(generateApplications(COUNT), { port: 0 });
  // The demo's own config, with its systems on the port the services got.
  const yaml = (await readFile(new URL('./airlock.yaml', import.meta.url), 'utf8')).replaceAll('127.0.0.1:8090', `127.0.0.1:${services.port}`);
  await writeFile(join(dir, 'airlock.yaml'), yaml);
  const config = await loadConfig(join(dir, 'airlock.yaml'), { env: { AIRLOCK_ADMIN_KEY: ADMIN_KEY }, cwd: dir });
  app = await buildApp({ config });
  baseURL = await app.listen({ host: '127.0.0.1', port: 0 });
  const stop = new AbortController();
  const approvers = runApprovers({ baseURL, adminKey: ADMIN_KEY, speed: 400, leaveShare: 0, signal: stop.signal });
  result = await runDemo({ baseURL, adminKey: ADMIN_KEY, count: COUNT, concurrency: 10, servicesPort: 0, holdTimeoutMs: 60_000, services });
  stop.abort();
  votes = await approvers;
  await app.airlock.store!.writer.flush();
}, 180_000);

afterAll(async () => {
  await app?.close();
  await services?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('every run completes and every branch of the workflow happened', () => {
  expect(result.errors.map((e) => e.message)).toEqual([]);
  expect(result.outcomes).toHaveLength(COUNT);
  const seen = branches(result.outcomes);
  expect(seen['PII redacted for the model, restored in the answer']).toBe(COUNT);
  for (const [branch, n] of Object.entries(seen)) {
    if (branch === 'held, still awaiting review') expect(n, branch).toBe(0);
    else expect(n, branch).toBeGreaterThan(0);
  }
  expect(result.outcomes.every((o) => o.identityVerified)).toBe(true);
  expect(votes.approved).toBeGreaterThan(0);
  expect(votes.rejected).toBeGreaterThan(0);
});

test('the models never saw raw PII, and the services saw exactly what was decided', () => {
  expect(services.leaks).toEqual([]);
  const outcomes = new Map(result.outcomes.map((o) => [o.application, o]));
  // Decisions recorded at the loan desk: the policy's approvals and the underwriters', never a refusal or rejection.
  const recorded = [...services.decisions.values()].map((d) => String(d.application_id)).sort();
  const approved = result.outcomes.filter((o) => o.decision === 'approved' || o.decision === 'review-approved').map((o) => o.application);
  expect(recorded).toEqual(approved.sort());
  // Every run booked its outcome; an outage applicant was extracted by the second deployment.
  expect(services.loans.size).toBe(COUNT);
  for (const id of services.outages) expect(outcomes.get(id)?.extractedBy).toMatch(/^openai-eu/);
  // Emails: the branch's always, the applicant's only once a reviewer let it out.
  const sentToApplicants = services.emails.filter((e) => !e.to.endsWith('@example.com')).length;
  expect(sentToApplicants).toBe(result.outcomes.filter((o) => o.email === 'held-sent').length);
});

test('the gateway recorded the runs: refusals, holds, votes, four eyes and the human wait as the bottleneck', async () => {
  const admin = createAirlock({ baseURL, apiKey: ADMIN_KEY, tracesURL: false }).admin;
  const refused = result.outcomes.find((o) => o.decision === 'refused')!;
  expect(refused.decisionReason).toMatch(/credit score \d+ is below the minimum of 500/);
  const run = await admin.runs.get(refused.run);
  expect(run.calls.map((c) => c.step)).toEqual(expect.arrayContaining(['data-capture', 'identity-verification', 'credit-evaluation', 'decision-routing', 'bot-execution']));
  expect(run.calls.find((c) => c.step === 'decision-routing')?.decision).toBe('deny');

  const fourEyes = result.outcomes.find((o) => o.quorum === 2 && o.decision === 'review-approved')!;
  const approval = await admin.approvals.get(fourEyes.approvals[0]!);
  expect(approval.status).toBe('executed');
  expect(new Set(approval.votes.filter((v) => v.decision === 'approve').map((v) => v.approver)).size).toBe(2);

  const piiCalls = await admin.calls.list({ workflow: WORKFLOW, pii: 'SSN', limit: 200 });
  expect(piiCalls.calls.length).toBeGreaterThanOrEqual(COUNT);

  const top = await bottleneck(admin);
  expect(top?.kind).toBe('approval');
});
