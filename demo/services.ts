/**
 * The systems the loan workflow reaches through the gateway, as one local HTTP server the demo starts (each under
 * its own path prefix, registered as a system in demo/airlock.yaml):
 *
 * - `/models/us/v1`, `/models/eu/v1`: two deployments of an OpenAI-compatible extraction model (the Chat
 *   Completions wire format). It reads the form as the gateway passes it on, PII replaced by placeholders, and
 *   answers the fields as JSON; the gateway restores the placeholders. The US deployment is down (503) for the
 *   applications the generator marks, so the gateway falls back to the EU one.
 * - `/doc-check`: the identity-document check the agent's tool call runs.
 * - `/credit-bureau`: credit reports by SSN.
 * - `/loan-desk`: records loan decisions (honours Idempotency-Key: an approved hold runs with the approval's id).
 * - `/core-banking`: the system of record the bot updates.
 * - `/mailer`: sends the confirmation emails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from './applications.js';

export interface DemoServices {
  readonly url: string;
  readonly port: number;
  /** Raw personal data the model deployments received (must stay empty: the gateway redacts it). */
  readonly leaks: string[];
  /** Extraction requests the US deployment refused because it was down. */
  readonly outages: string[];
  readonly decisions: Map<string, Record<string, unknown>>;
  readonly loans: Map<string, Record<string, unknown>>;
  readonly emails: { to: string; subject: string }[];
  close(): Promise<void>;
}

/** What must never reach a model: the applicants' SSNs, emails and IBANs as they wrote them. */
function rawPii(text: string, applications: ReadonlyMap<string, Application>): string[] {
  const found: string[] = [];
  for (const app of applications.values()) {
    for (const value of [app.applicant.ssn, app.applicant.email, app.applicant.iban]) if (text.includes(value)) found.push(value);
  }
  return found;
}

const field = (text: string, re: RegExp): string | null => re.exec(text)?.[1]?.trim() ?? null;

/** The stand-in model's work: the form's fields, read as it sees them (placeholders where the PII was). */
function extract(text: string): Record<string, unknown> {
  return {
    application_id: field(text, /\b(APP-\d+)/),
    name: field(text, /Applicant: ([^,]+),/),
    ssn: field(text, /SSN ([^,]+),/),
    email: field(text, /email ([^,]+),/),
    phone: field(text, /phone ([^\n]+?)\.?\n/),
    iban: field(text, /IBAN ([^\n]+?)\.?\n/),
    amount_usd: Number(field(text, /Requests ([\d,]+) USD/)?.replace(/,/g, '') ?? NaN),
    term_months: Number(field(text, /over (\d+) months/) ?? NaN),
    income_annual_usd: Number(field(text, /annual income ([\d,]+) USD/)?.replace(/,/g, '') ?? NaN),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

export async function startServices(applications: readonly Application[], options: { port?: number; host?: string } = {}): Promise<DemoServices> {
  const byId = new Map(applications.map((a) => [a.id, a]));
  const bySsn = new Map(applications.map((a) => [a.applicant.ssn, a]));
  const leaks: string[] = [];
  const outages: string[] = [];
  const decisions = new Map<string, Record<string, unknown>>();
  const loans = new Map<string, Record<string, unknown>>();
  const emails: { to: string; subject: string }[] = [];
  let completions = 0;

  async function model(region: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const messages = (body.messages ?? []) as { role: string; content: unknown }[];
    const text = messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
    leaks.push(...rawPii(text, byId));
    const fields = extract(text);
    if (region === 'us' && byId.get(String(fields.application_id))?.outage) {
      outages.push(String(fields.application_id));
      send(res, 503, { error: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', param: null, code: null } });
      return;
    }
    const content = JSON.stringify(fields);
    const prompt = Math.ceil(text.length / 4);
    const completion = Math.ceil(content.length / 4);
    send(res, 200, {
      id: `chatcmpl-demo${++completions}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? `loan-extract-${region}`),
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const models = /^\/models\/(us|eu)\/v1\/chat\/completions$/.exec(path);
    if (models && req.method === 'POST') return model(models[1]!, req, res);
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const body = await readJson(req);
    switch (path) {
      case '/doc-check/verifications': {
        const app = bySsn.get(String(body.ssn));
        const verified = Boolean(app && app.applicant.name === body.name);
        return send(res, 200, { verified, document: body.document ?? 'passport', checked_at: new Date().toISOString() });
      }
      case '/credit-bureau/reports': {
        const app = bySsn.get(String(body.ssn));
        if (!app) return send(res, 404, { error: 'no credit file for this SSN' });
        return send(res, 200, { report_id: `CR-${app.id.slice(4)}`, score: app.bureauScore, open_accounts: 2 + (app.bureauScore % 5) });
      }
      case '/loan-desk/decisions': {
        // A held decision runs once its approvers agree, with the approval id as its idempotency key: a repeat
        // of the same key records nothing new.
        const key = String(req.headers['idempotency-key'] ?? body.application_id);
        const recorded = decisions.get(key) ?? { ...body, recorded_at: new Date().toISOString() };
        decisions.set(key, recorded);
        return send(res, 201, { decision_id: `DEC-${String(body.application_id).slice(4)}`, ...recorded });
      }
      case '/core-banking/loans': {
        loans.set(String(body.application_id), body);
        return send(res, 201, { loan_id: `LN-${String(body.application_id).slice(4)}`, status: body.status });
      }
      case '/mailer/messages': {
        emails.push({ to: String(body.to), subject: String(body.subject) });
        return send(res, 201, { message_id: `MSG-${emails.length}`, queued: true });
      }
      default:
        return send(res, 404, { error: `no route ${path}` });
    }
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => send(res, 400, { error: String((error as Error).message) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    leaks,
    outages,
    decisions,
    loans,
    emails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
