/**
 * The console in real headless Chromium against a real gateway with seeded traffic: each role signs in and sees
 * only its pages, a compliance officer finds a call with PII and sees it redacted, an analyst reads the
 * dashboards, an admin creates and revokes a key. Screenshots of each main page go to console/test-output/.
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
    expect(await menu(admin)).toEqual(['Calls', 'Dashboards', 'Keys']);
    await admin.close();
    for (const role of ['compliance', 'analyst', 'operator'] as const) {
      const page = await signIn(gw.keys[role]);
      expect(await menu(page)).toEqual(['Calls', 'Dashboards']);
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
    await expect.poll(() => page.locator('figure .recharts-surface').count()).toBe(6);
    const steps = page.getByRole('table', { name: 'Steps by total time' });
    expect(await steps.textContent()).toContain('data-capture');
    await page.screenshot({ path: join(SHOTS, 'dashboards.png'), fullPage: true });
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
