/**
 * The console in real headless Chromium against a real gateway with seeded traffic: each role signs in and sees
 * only its pages, a compliance officer finds a call with PII and sees it redacted, an analyst reads the
 * dashboards, an admin creates and revokes a key, two approvers clear a call held with the waiting OpenAI SDK client
 * live in the queue. Screenshots of each main page go to console/test-output/.
 */
import { createAirlock } from '@airlock/sdk';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from './helpers/console-server.js';
import { startGateway, type TestGateway } from './helpers/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../test-output/', import.meta.url));
const EMAIL = 'ann.lee@example.com';

if (!existsSync(CHROMIUM) && process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);

let gw: TestGateway;
let web: RunningConsole;
let browser: Browser;
let piiCallId = '';

async function signIn(key: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`${web.url}/login`);
  await page.getByLabel('Airlock key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

/** The page's own alert (Next.js adds an empty route announcer with the same role). */
const alert = (page: Page) => page.getByRole('alert').filter({ hasText: /\S/ });

const menu = async (page: Page): Promise<string[]> => page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();

/**
 * Three runs of `loan-approval`: two book the loan in the CRM, a write the policy holds; a human takes 700 and
 * 1,100 ms to approve before the run goes on. The third needs no booking. Runs go in parallel, as they would.
 */
async function seedLoanApprovals(): Promise<void> {
  // Async approval mode: the held write answers 202 at once instead of keeping the connection until a human decides.
  const send = (run: string, step: string, path: string, body: unknown) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.keys.user}`, 'content-type': 'application/json', 'x-airlock-approval-mode': 'async', 'x-airlock-workflow': 'loan-approval', 'x-airlock-run': run, 'x-airlock-step': step },
      body: JSON.stringify(body),
    }).then((r) => r.status);
  const chat = (run: string, step: string) => send(run, step, '/v1/chat/completions', { model: 'demo-1', messages: [{ role: 'user', content: `${step} for ${run}` }] });
  const booked = async (run: string, approvalMs: number) => {
    expect(await chat(run, 'intake')).toBe(200);
    expect(await send(run, 'book-loan', '/api/crm/loans', { amount: 25_000 })).not.toBe(201);
    await new Promise((r) => setTimeout(r, approvalMs));
    expect(await chat(run, 'notify')).toBe(200);
  };
  await Promise.all([booked('run-a', 700), booked('run-b', 1_100), chat('run-c', 'intake').then(() => chat('run-c', 'notify'))]);
}

beforeAll(async () => {
  gw = await startGateway();
  const airlock = createAirlock({ baseURL: gw.url, apiKey: gw.keys.user, tracesURL: `${gw.url}/v1/traces` });
  const openai = airlock.wrap(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.keys.user, maxRetries: 0 }));
  await airlock.workflow('loan-application').run(async (run) => {
    await run.step('data-capture', async () => {
      const { response } = await openai.chat.completions
        .create({ model: 'demo-1', messages: [{ role: 'user', content: `Applicant email ${EMAIL}, please extract the fields.` }] })
        .withResponse();
      piiCallId = response.headers.get('x-airlock-call-id')!;
    });
    await run.step('credit-evaluation', () => openai.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'score it' }] }));
  });
  await seedLoanApprovals();
  await new Promise((r) => setTimeout(r, 200));
  await gw.flush();
  [web, browser] = await Promise.all([
    startConsole(gw.url),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] }),
  ]);
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await gw?.close();
});

describe('signing in', () => {
  it('refuses a wrong key and a key without console roles, with a reason', async () => {
    const page = await browser.newPage();
    await page.goto(`${web.url}/calls`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Airlock key').fill('alk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert(page).textContent()).toContain('does not know this key');
    await page.getByLabel('Airlock key').fill(gw.keys.user);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert(page).textContent()).toContain('no role that may use the console');
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await page.close();
  });

  it('keeps the session in an httpOnly, SameSite=Strict cookie the page cannot read, and signs out', async () => {
    const page = await signIn(gw.keys.analyst);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'airlock_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(gw.keys.analyst);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${web.url}/calls`);
    await page.waitForURL(/\/login/);
    await page.close();
  });
});

describe('each role sees its pages only', () => {
  it('shows an admin calls, dashboards and keys; a compliance officer or analyst no keys page, even by URL', async () => {
    const admin = await signIn(gw.keys.admin);
    expect(await menu(admin)).toEqual(['Calls', 'Dashboards', 'Process map', 'Bottlenecks', 'Audit', 'Approvals', 'Keys']);
    await admin.close();
    const readers = ['Calls', 'Dashboards', 'Process map', 'Bottlenecks'];
    const menus = { compliance: [...readers, 'Audit', 'Approvals'], analyst: readers, operator: [...readers, 'Approvals'], approver: ['Approvals'] };
    for (const role of ['compliance', 'analyst', 'operator', 'approver'] as const) {
      const page = await signIn(gw.keys[role]);
      expect(await menu(page)).toEqual(menus[role]);
      if (role === 'approver') {
        await page.goto(`${web.url}/calls`);
        await expect.poll(() => alert(page).textContent()).toContain('do not open /calls');
      }
      if (role === 'analyst') {
        await page.goto(`${web.url}/approvals`);
        await expect.poll(() => alert(page).textContent()).toContain('do not open /approvals');
      }
      if (role !== 'compliance') {
        await page.goto(`${web.url}/audit`);
        await expect.poll(() => alert(page).textContent()).toContain('do not open /audit');
      }
      await page.goto(`${web.url}/keys`);
      await expect.poll(() => alert(page).textContent()).toContain('do not open /keys');
      await page.close();
    }
  });
});

describe('compliance officer', () => {
  it('finds the call with PII, sees it redacted, and its trace with the workflow steps', async () => {
    const page = await signIn(gw.keys.compliance);
    await page.goto(`${web.url}/calls?workflow=loan-application`);
    const table = page.getByRole('table', { name: 'Calls' });
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await table.textContent()).toContain('EMAIL×1');
    await page.screenshot({ path: join(SHOTS, 'calls.png'), fullPage: true });
    await table.getByRole('link', { name: piiCallId.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/calls/${piiCallId}`));
    expect(await page.getByTestId('pii').textContent()).toContain('EMAIL ×1');
    const request = (await page.getByTestId('request-body').textContent())!;
    expect(request).toContain('please extract the fields');
    expect(request).not.toContain(EMAIL);
    const spans = await page.getByRole('list', { name: 'Trace spans' }).getByRole('listitem').allTextContents();
    expect(spans.some((s) => s.includes('step data-capture'))).toBe(true);
    expect(spans.some((s) => s.includes('run loan-application'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'call.png'), fullPage: true });
    await page.close();
  });

  it('keeps filters in the URL and says so when nothing matches', async () => {
    const page = await signIn(gw.keys.compliance);
    await page.goto(`${web.url}/calls`);
    await page.getByLabel('workflow').fill('no-such-workflow');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/workflow=no-such-workflow/);
    await expect.poll(() => page.getByText('No calls match these filters.').count()).toBe(1);
    await page.goto(`${web.url}/calls?from=yesterday`);
    await expect.poll(() => alert(page).textContent()).toContain('from');
    await page.close();
  });
});

describe('analyst', () => {
  it('reads KPI charts and the steps ranked by total time', async () => {
    const page = await signIn(gw.keys.analyst);
    await page.goto(`${web.url}/dashboards?bucket=day&group_by=model`);
    await expect.poll(() => page.locator('figure .recharts-wrapper').count()).toBe(6);
    const steps = page.getByRole('table', { name: 'Steps by total time' });
    expect(await steps.textContent()).toContain('data-capture');
    await page.screenshot({ path: join(SHOTS, 'dashboards.png'), fullPage: true });
    await page.close();
  });
});

describe('compliance officer: audit chain, filters and export', () => {
  it('verifies the audit chain from the UI, and is told which checkpoint fails when one shipped elsewhere was forged', async () => {
    const page = await signIn(gw.keys.compliance);
    await page.goto(`${web.url}/audit`);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const result = page.getByRole('status', { name: 'Verification result' });
    await expect.poll(() => result.textContent()).toContain('Chain intact');
    expect(await result.textContent()).toMatch(/Entries\s*[1-9]/);
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
    const { key_id } = await createAirlock({ baseURL: gw.url, apiKey: gw.keys.compliance }).admin.audit.checkpoints();
    const forged = { v: 1, tenant: 'default', seq: 1, head: 'f'.repeat(64), at: new Date().toISOString(), key_id, sig: 'A'.repeat(86) };
    await page.getByText('Check against checkpoints kept elsewhere').click();
    await page.getByLabel('Checkpoints (JSON lines, as shipped)').fill(JSON.stringify(forged));
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => result.textContent()).toContain('Chain broken');
    expect(await result.textContent()).toMatch(/checkpoint (on )?line 1/);
    await page.close();
  });

  it('filters by decision and PII found, and exports the filter as CSV and JSON lines, streamed, in its own tenant', async () => {
    const page = await signIn(gw.keys.compliance);
    await page.goto(`${web.url}/calls`);
    await page.getByLabel('PII found').fill('email');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/pii=email/i);
    const table = page.getByRole('table', { name: 'Calls' });
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.textContent()).toContain(piiCallId.slice(0, 8));
    await page.goto(`${web.url}/calls?workflow=loan-approval&decision=hold`);
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await page.getByRole('combobox', { name: 'decision' }).inputValue()).toBe('hold');

    const csv = await page.request.get(`${web.url}/calls/export?workflow=loan-approval&format=csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['received_at', 'call_id', 'tenant']);
    expect(lines).toHaveLength(9);
    const held = await page.request.get(`${web.url}/calls/export?workflow=loan-approval&decision=hold&format=jsonl`);
    const calls = (await held.text()).trim().split('\n').map((l) => JSON.parse(l) as { decision: string; tenant: string; step: string });
    expect(calls.map((c) => [c.decision, c.tenant, c.step])).toEqual([['hold', 'default', 'book-loan'], ['hold', 'default', 'book-loan']]);
    expect((await page.request.get(`${web.url}/calls/export?from=yesterday`)).status()).toBe(400);
    // Without a session there is nothing to export.
    const anonymous = await fetch(`${web.url}/calls/export?format=csv`, { redirect: 'manual' });
    expect(anonymous.status).toBeGreaterThanOrEqual(300);
    expect(anonymous.headers.get('location')).toContain('/login');
    await page.close();
  });
});

describe('analyst: process map and bottlenecks', () => {
  it('draws the process map of a workflow across its runs, with the hold and the human approval, the top path and the variants', async () => {
    const page = await signIn(gw.keys.analyst);
    await page.goto(`${web.url}/process?workflow=loan-approval`);
    const graph = page.getByRole('figure', { name: 'Process map of loan-approval' });
    await expect.poll(() => graph.locator('.react-flow__node').count()).toBe(6);
    const labels = await graph.locator('.activity').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toEqual(expect.arrayContaining([expect.stringMatching(/^hold · book-loan: policy hold, 2 times/), expect.stringMatching(/^approval · book-loan: human approval, 2 times/), expect.stringMatching(/^intake: model call, 3 times/)]));
    // Directly-follows edges with counts and times; the most frequent path (the booked one) highlighted.
    const edgeText = await graph.locator('.edge-label').allTextContents();
    expect(edgeText.some((t) => /^3× · med/.test(t))).toBe(true);
    expect(await graph.locator('.react-flow__edge.top-path').count()).toBe(5);
    const variants = page.getByRole('table', { name: 'Variants' });
    const rows = await variants.getByRole('row').allTextContents();
    expect(rows[1]).toContain('intake → hold · book-loan → approval · book-loan → notify');
    expect(rows[1]).toContain('66.7%');
    expect(rows[2]).toContain('intake → notify');
    await page.screenshot({ path: join(SHOTS, 'process-map.png'), fullPage: true });
    await page.close();
  });

  it('ranks the human approval wait at the top of the bottlenecks, apart from model latency, and deep-links the workflow', async () => {
    const page = await signIn(gw.keys.analyst);
    await page.goto(`${web.url}/process`);
    await page.getByRole('combobox', { name: 'workflow' }).selectOption('loan-approval');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/workflow=loan-approval/);
    await page.getByRole('link', { name: 'Where the time goes →' }).click();
    await page.waitForURL(/\/bottlenecks\?workflow=loan-approval/);
    const activities = page.getByRole('table', { name: 'Activities by total time' });
    const first = await activities.getByRole('row').nth(1).textContent();
    expect(first).toContain('approval · book-loan');
    expect(first).toContain('human approval');
    const kinds = await page.getByRole('list', { name: 'Time by kind' }).getByRole('listitem').allTextContents();
    expect(kinds[0]).toMatch(/^human approval/);
    expect(kinds.some((k) => k.startsWith('model call'))).toBe(true);
    expect(await page.locator('figure[aria-label="Total time by activity"] .recharts-bar-rectangle').count()).toBe(4);
    await page.screenshot({ path: join(SHOTS, 'bottlenecks.png'), fullPage: true });
    await page.goto(`${web.url}/process?workflow=loan-approval&from=yesterday`);
    await expect.poll(() => alert(page).textContent()).toContain('from');
    await page.close();
  });
});

describe('admin', () => {
  it('creates a key that works, and revokes it', async () => {
    const page = await signIn(gw.keys.admin);
    await page.goto(`${web.url}/keys`);
    await page.getByRole('textbox', { name: 'team' }).fill('risk');
    await page.getByRole('textbox', { name: 'user' }).fill('rita');
    await page.getByRole('checkbox', { name: 'analyst' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^alk_/);
    const me = await createAirlock({ baseURL: gw.url, apiKey: key }).admin.me();
    expect(me).toMatchObject({ team: 'risk', user: 'rita', roles: ['user', 'analyst'] });
    await page.screenshot({ path: join(SHOTS, 'keys.png'), fullPage: true });
    await page.getByRole('button', { name: `Revoke key ${me.key_id}` }).click();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(me.key_id) }).textContent()).toContain('revoked');
    await expect(createAirlock({ baseURL: gw.url, apiKey: key }).admin.me()).rejects.toMatchObject({ status: 401 });
    await page.close();
  });
});

describe('approver', () => {
  const TOOLS: OpenAI.Chat.ChatCompletionFunctionTool[] = [{ type: 'function', function: { name: 'delete_customer', parameters: { type: 'object', properties: {} } } }];
  /** The support agent asks the model to delete a customer; the default bundle holds the tool call for two approvers. */
  const agentCall = (run: string) => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.keys.user, maxRetries: 0, defaultHeaders: { 'x-airlock-workflow': 'support-agent', 'x-airlock-run': run, 'x-airlock-step': 'cleanup' } });
    return openai.chat.completions.create({ model: 'demo-1', tools: TOOLS, messages: [{ role: 'user', content: `call delete_customer for ${EMAIL}, who asked to be forgotten` }] });
  };
  const pendingRow = (page: Page, run: string) => page.getByRole('table', { name: 'Pending approvals' }).getByRole('row').filter({ hasText: run });
  const review = async (page: Page, run: string, reason: string, decision: 'Approve' | 'Reject') => {
    await pendingRow(page, run).getByRole('link', { name: /^Review apr_/ }).click();
    await page.waitForURL(/\/approvals\/apr_/);
    await page.getByLabel('Reason').fill(reason);
    await page.getByRole('button', { name: decision }).click();
    // The vote is listed once the gateway counted it (the form itself goes once the call is decided).
    await expect.poll(() => page.getByRole('list', { name: 'Votes' }).textContent()).toContain(reason);
  };

  it('sees a held tool call arrive live, redacted, with why and four-eyes progress; two approvers clear it and the waiting SDK client gets its answer', async () => {
    const ann = await signIn(gw.keys.approver);
    await ann.waitForURL(/\/approvals$/);
    await expect.poll(() => ann.getByRole('status', { name: 'Queue connection' }).textContent()).toContain('Live');
    await ann.evaluate(() => Object.assign(window, { notReloaded: true }));

    let settled = false;
    const answer = agentCall('run-forget-1').finally(() => (settled = true));
    // The hold appears in the open queue over SSE, with no reload.
    const row = pendingRow(ann, 'run-forget-1');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await ann.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const text = (await row.textContent())!;
    expect(text).toContain('tool "delete_customer" deletes data');
    expect(text).toContain('user-user · support');
    expect(text).toContain('support-agent · run-forget-1 · cleanup');
    expect(text).toContain('0 of 2 approvals');
    expect(text).toMatch(/\d+ s old/);
    expect(text).toMatch(/expires in (59 min|1 h)/);
    await ann.screenshot({ path: join(SHOTS, 'approvals.png'), fullPage: true });

    await review(ann, 'run-forget-1', 'Customer asked to be forgotten; ticket 4411', 'Approve');
    expect(await ann.getByTestId('tool-name').textContent()).toBe('delete_customer');
    const held = (await ann.getByTestId('held-request').textContent())!;
    expect(held).toContain('who asked to be forgotten');
    expect(held).not.toContain(EMAIL);
    expect(await ann.getByTestId('hold-reason').textContent()).toBe('tool "delete_customer" deletes data');
    await expect.poll(() => ann.getByTestId('quorum').textContent()).toBe('1 of 2 approvals');
    expect(await ann.getByTestId('approval-status').textContent()).toBe('pending');
    await ann.screenshot({ path: join(SHOTS, 'approval.png'), fullPage: true });
    // One approval of two: the client still waits, and the same person cannot add the second.
    expect(settled).toBe(false);
    await ann.getByLabel('Reason').fill('me again');
    await ann.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => ann.getByTestId('quorum').textContent()).toBe('1 of 2 approvals');
    expect(settled).toBe(false);

    const ben = await signIn(gw.keys.approver2);
    await expect.poll(() => pendingRow(ben, 'run-forget-1').textContent()).toContain('1 of 2 approvals');
    await review(ben, 'run-forget-1', 'Second pair of eyes: verified the request', 'Approve');
    const completion = await answer;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.tool_calls?.map((c) => c.type === 'function' && c.function.name)).toEqual(['delete_customer']);
    // Ann's page follows the decision live: the votes listed, the status final.
    await expect.poll(() => ann.getByTestId('approval-status').textContent()).toMatch(/approved|executed/);
    expect(await ann.getByRole('list', { name: 'Votes' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Customer asked to be forgotten'),
      expect.stringContaining('Second pair of eyes'),
    ]);
    await ben.close();
    await ann.close();
  });

  it('rejects with a reason the waiting client reads, and the queue moves the call to the decided list live', async () => {
    const ann = await signIn(gw.keys.approver);
    const queue = await signIn(gw.keys.approver2);
    const answer = agentCall('run-forget-2');
    await expect.poll(() => pendingRow(ann, 'run-forget-2').count(), { timeout: 15_000 }).toBe(1);
    await review(ann, 'run-forget-2', 'Wrong customer: check the ticket', 'Reject');
    const completion = await answer;
    expect(completion.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(completion.choices[0]!.message.content).toContain('Wrong customer: check the ticket');
    const decided = queue.getByRole('table', { name: 'Decided approvals' }).getByRole('row').filter({ hasText: 'run-forget-2' });
    await expect.poll(() => decided.textContent()).toContain('rejected');
    expect(await decided.textContent()).toContain('Wrong customer: check the ticket');
    expect(await pendingRow(queue, 'run-forget-2').count()).toBe(0);
    await queue.close();
    await ann.close();
  });
});
