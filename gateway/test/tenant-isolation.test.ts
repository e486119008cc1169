/**
 * Tenant isolation on the admin API, through a real gateway and its embedded store. The matrix is generated from the
 * routes the gateway actually registered: every admin route × every role × own tenant / another tenant's ids /
 * naming another tenant / revoked key / no key. A route without an entry below fails the suite, as does an entry
 * whose expected roles differ from what the route declares.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, SUPERADMIN_ROLE, TENANT_HEADER, type Role } from '../src/auth/access.js';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';

const HOME = 'acme';
const OTHER = 'globex';
const TENANTS = [HOME, OTHER] as const;
type Tenant = (typeof TENANTS)[number];

interface Fixture {
  readonly tenant: Tenant;
  /** A held call waiting in this tenant. */
  readonly approvalId: string;
  readonly callIds: readonly string[];
  readonly runId: string;
  readonly traceId: string;
  readonly steps: readonly string[];
}

interface Req {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
}

type Body = Record<string, unknown> & { text: string };

interface Probe {
  /** Who may use the route besides a superadmin: stated here on purpose, apart from the code's declaration. */
  readonly roles: readonly Role[];
  readonly scope: 'tenant' | 'gateway';
  readonly status: number;
  /** What a superadmin key (which holds no other role) gets, when that differs from `status`. */
  readonly superadmin?: number;
  /** The request acting on one tenant's fixture (the caller names that tenant only if it is not its own). */
  request(f: Fixture): Req | Promise<Req>;
  /**
   * How another tenant's things are reached without naming that tenant: `ids` (its ids in the path: 404, as if they
   * did not exist), `body` (a tenant field in the body: refused unless superadmin), or `none` (the route takes no
   * tenant's ids: the answer must hold only the caller's rows).
   */
  readonly foreign: 'ids' | 'body' | 'none';
  /** Asserts a successful answer holds exactly what `tenant` may see. */
  check?(body: Body, f: Fixture): void;
  /** After the request: asserts its side effect happened only when it was allowed to. */
  after?(status: number, f: Fixture): Promise<void>;
}

let gw: TestGateway;
const keys = new Map<string, string>();
const revoked = new Map<string, string>();
const fixtures = {} as Record<Tenant, Fixture>;
const victims = new Map<string, Tenant>();
const approvedBy = new Set<string>();

const keyOf = (tenant: Tenant, role: Role) => keys.get(`${tenant}/${role}`)!;
const rows = (body: Body, field: string) => body[field] as Record<string, unknown>[];
const sum = (list: Record<string, unknown>[], field: string) => list.reduce((n, r) => n + Number(r[field]), 0);

const READERS = { roles: ['admin', 'operator', 'analyst', 'compliance'], scope: 'tenant', status: 200 } as const;
const AUDITORS = { roles: ['admin', 'compliance'], scope: 'tenant', status: 200, foreign: 'none' } as const;
const SUPERADMINS = { roles: [], scope: 'gateway', status: 200, foreign: 'none' } as const;
const QUEUE = { roles: ['admin', 'operator', 'compliance', 'approver'], scope: 'tenant', status: 200 } as const;

/** A fresh held call in the tenant, for a decision to act on (each decision ends one). */
async function heldIn(tenant: Tenant): Promise<string> {
  const state = await gw.app.airlock.approvals!.create(
    {
      tenant,
      call_id: `call_${tenant}_${Math.random().toString(16).slice(2)}`,
      trace_id: '0'.repeat(32),
      kind: 'test',
      api: 'openai.chat',
      shape: 'openai',
      stream: false,
      mode: 'async',
      requester: { key_id: 'requester-key', team: 'platform', user: 'requester' },
      workflow: { id: `wf-${tenant}`, run: `run-${tenant}`, step: 'pay' },
      reason: 'a test hold',
      approver_role: 'approver',
      quorum: 1,
      expires_in_s: 3600,
      editable: false,
      policy_revision: 'test',
      request_sha256: '0'.repeat(64),
      view: {},
      arguments: null,
      callback_url: null,
      payload: null,
    },
    'test',
  );
  return state.id;
}

/** A decision: only approvers decide; a superadmin without the approver role may not (it is no licence to approve). */
const decision = (verb: 'approve' | 'reject'): Probe => ({
  roles: ['approver'],
  scope: 'tenant',
  status: 200,
  superadmin: 403,
  foreign: 'ids',
  request: async (f) => ({ method: 'POST', path: `/admin/approvals/${await heldIn(f.tenant)}/${verb}`, body: { reason: 'matrix' } }),
  check: (b) => expect(b).toMatchObject({ status: verb === 'approve' ? 'approved' : 'rejected' }),
});

/** Every admin route the gateway has; a new one makes this table incomplete and the suite red. */
const MATRIX: Record<string, Probe> = {
  'GET /admin/calls': {
    ...READERS,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/calls?limit=1000' }),
    check: (b, f) => expect(rows(b, 'calls').map((c) => [c.tenant, c.call_id]).sort()).toEqual(f.callIds.map((id) => [f.tenant, id]).sort()),
  },
  'GET /admin/me': {
    roles: ['admin', 'operator', 'analyst', 'compliance', 'approver'],
    scope: 'tenant',
    status: 200,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/me' }),
    // A superadmin acting in another tenant is still who it is: the answer names the key's own tenant.
    check: (b) => expect(b).toMatchObject({ roles: expect.any(Array), tenant: expect.any(String) }),
  },
  'GET /admin/calls/:id': {
    ...READERS,
    foreign: 'ids',
    request: (f) => ({ method: 'GET', path: `/admin/calls/${f.callIds[0]}` }),
    check: (b, f) => expect(b.call).toMatchObject({ tenant: f.tenant, call_id: f.callIds[0] }),
  },
  'GET /admin/traces/:id': {
    ...READERS,
    foreign: 'ids',
    request: (f) => ({ method: 'GET', path: `/admin/traces/${f.traceId}` }),
    check: (b, f) => {
      expect(rows(b, 'spans').length).toBeGreaterThan(0);
      for (const s of rows(b, 'spans')) expect(f.callIds).toContain(s.call_id);
    },
  },
  'GET /admin/runs/:id': {
    ...READERS,
    foreign: 'ids',
    request: (f) => ({ method: 'GET', path: `/admin/runs/${f.runId}` }),
    check: (b, f) => expect(rows(b, 'calls').map((c) => c.tenant)).toEqual(f.callIds.map(() => f.tenant)),
  },
  'GET /admin/metrics/kpis': {
    ...READERS,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/metrics/kpis?bucket=day&group_by=workflow' }),
    check: (b, f) => {
      expect(sum(rows(b, 'rows'), 'calls')).toBe(f.callIds.length);
      expect(rows(b, 'rows').map((r) => r.key)).toEqual([`wf-${f.tenant}`]);
    },
  },
  'GET /admin/metrics/steps': {
    ...READERS,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/metrics/steps' }),
    check: (b, f) => expect(rows(b, 'rows').map((r) => r.step).sort()).toEqual([...f.steps].sort()),
  },
  'GET /admin/metrics/transitions': {
    ...READERS,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/metrics/transitions' }),
    check: (b, f) => expect(rows(b, 'rows').map((r) => [r.from_step, r.to_step])).toEqual([[f.steps[0], f.steps[1]]]),
  },
  'GET /admin/metrics/process': {
    ...READERS,
    foreign: 'none',
    request: (f) => ({ method: 'GET', path: `/admin/metrics/process?workflow=wf-${f.tenant}` }),
    check: (b, f) => {
      expect(b).toMatchObject({ workflow: `wf-${f.tenant}`, runs: 1, variants: [{ path: [...f.steps], runs: 1 }] });
      expect(rows(b, 'nodes').map((n) => n.id).sort()).toEqual(['■ end', '▶ start', ...f.steps].sort());
    },
  },
  'GET /admin/keys': {
    roles: ['admin'],
    scope: 'tenant',
    status: 200,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/keys' }),
    check: (b, f) => {
      const listed = rows(b, 'keys');
      expect(listed.length).toBeGreaterThanOrEqual(ROLES.length);
      for (const k of listed) expect(k.tenant).toBe(f.tenant);
      expect(JSON.stringify(listed)).not.toMatch(/"hash"/);
    },
  },
  'POST /admin/keys': {
    roles: ['admin'],
    scope: 'tenant',
    status: 201,
    foreign: 'body',
    request: (f) => ({ method: 'POST', path: '/admin/keys', body: { team: 'ops', user: 'new', roles: ['analyst'], tenant: f.tenant } }),
    check: (b, f) => expect(b).toMatchObject({ tenant: f.tenant, team: 'ops', roles: ['analyst'] }),
  },
  'POST /admin/keys/:id/revoke': {
    roles: ['admin'],
    scope: 'tenant',
    status: 200,
    foreign: 'ids',
    async request(f) {
      const { record } = await gw.keyStore.create({ tenant: f.tenant, team: 'victims', user: 'v', roles: ['admin'] });
      victims.set(record.id, f.tenant);
      return { method: 'POST', path: `/admin/keys/${record.id}/revoke` };
    },
    async after(status, f) {
      const victim = [...victims].at(-1)!;
      expect(victim[1]).toBe(f.tenant);
      const record = (await gw.keyStore.list(f.tenant)).find((k) => k.id === victim[0])!;
      expect(record.revoked_at !== null).toBe(status === 200);
    },
  },
  'GET /admin/audit/verify': {
    ...AUDITORS,
    request: () => ({ method: 'GET', path: '/admin/audit/verify' }),
    check: (b, f) => expect(b).toMatchObject({ ok: true, tenant: f.tenant }),
  },
  'POST /admin/audit/verify': {
    roles: ['admin', 'compliance'],
    scope: 'tenant',
    status: 200,
    foreign: 'none',
    request: () => ({ method: 'POST', path: '/admin/audit/verify', body: { checkpoints: '' } }),
    check: (b, f) => expect(b).toMatchObject({ ok: true, tenant: f.tenant }),
  },
  'GET /admin/audit/checkpoints': {
    roles: ['admin', 'compliance'],
    scope: 'tenant',
    status: 200,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/audit/checkpoints' }),
    check: (b, f) => {
      expect(b.tenant).toBe(f.tenant);
      for (const c of b.checkpoints as { tenant: string }[]) expect(c.tenant).toBe(f.tenant);
    },
  },
  'GET /admin/audit/export': {
    ...AUDITORS,
    request: () => ({ method: 'GET', path: '/admin/audit/export?format=jsonl' }),
    check: (b, f) => {
      const entries = b.text.trim().split('\n').map((l) => JSON.parse(l) as { tenant: string; subject: string });
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) expect(e.tenant).toBe(f.tenant);
    },
  },
  'POST /admin/policies/evaluate': {
    ...READERS,
    foreign: 'none',
    request: () => ({
      method: 'POST',
      path: '/admin/policies/evaluate',
      body: { input: { principal: { team: 'support' }, call: { api: 'openai.chat', provider: 'demo', model: 'demo-1', pii: {} }, usage: { key: {}, team: {} } } },
    }),
    check: (b) => expect(b.decision).toMatchObject({ allow: true }),
  },
  'GET /admin/mcp/servers': {
    ...READERS,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/mcp/servers' }),
    check: (b, f) => {
      expect(b.tenant).toBe(f.tenant);
      expect(rows(b, 'servers').map((s) => [s.name, (s.tools as unknown[]).length > 0])).toEqual([['local', true]]);
    },
  },
  'POST /admin/mcp/servers/:server/approve': {
    roles: ['admin'],
    scope: 'tenant',
    status: 200,
    foreign: 'none',
    request: () => ({ method: 'POST', path: '/admin/mcp/servers/local/approve', body: {} }),
    check: (b, f) => expect(b).toMatchObject({ tenant: f.tenant, server: 'local' }),
    // The approval lands in the tenant the request acted in, and only there.
    async after(status, f) {
      if (status === 200) expect(gw.app.airlock.mcp.pins.approved(f.tenant, 'local')).toBe(true);
      const other = f.tenant === HOME ? OTHER : HOME;
      if (status === 200 && !approvedBy.has(other)) expect(gw.app.airlock.mcp.pins.approved(other, 'local')).toBe(false);
      if (status === 200) approvedBy.add(f.tenant);
    },
  },
  'GET /admin/policies': { ...SUPERADMINS, request: () => ({ method: 'GET', path: '/admin/policies' }), check: (b) => expect(b.revision).toMatch(/^[0-9a-f]{64}$/) },
  'POST /admin/policies/reload': { ...SUPERADMINS, request: () => ({ method: 'POST', path: '/admin/policies/reload' }), check: (b) => expect(b.changed).toBe(false) },
  'GET /admin/deployments': { ...SUPERADMINS, request: () => ({ method: 'GET', path: '/admin/deployments' }), check: (b) => expect(rows(b, 'deployments').length).toBeGreaterThan(0) },
  'GET /admin/approvals': {
    ...QUEUE,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/approvals?limit=500' }),
    check: (b, f) => {
      expect(rows(b, 'approvals').map((a) => a.approval_id)).toContain(f.approvalId);
      for (const a of rows(b, 'approvals')) expect(a.tenant).toBe(f.tenant);
    },
  },
  'GET /admin/approvals/:id': {
    ...QUEUE,
    foreign: 'ids',
    request: (f) => ({ method: 'GET', path: `/admin/approvals/${f.approvalId}` }),
    check: (b, f) => expect(b).toMatchObject({ approval_id: f.approvalId, tenant: f.tenant, status: 'pending' }),
  },
  'GET /admin/approvals/stream': {
    ...QUEUE,
    foreign: 'none',
    request: () => ({ method: 'GET', path: '/admin/approvals/stream?max_ms=100' }),
    check: (b) => expect(b.text).toContain(': connected'),
  },
  'POST /admin/approvals/:id/approve': decision('approve'),
  'POST /admin/approvals/:id/reject': decision('reject'),
  'GET /metrics': { ...SUPERADMINS, request: () => ({ method: 'GET', path: '/metrics' }), check: (b) => expect(b.text).toContain('airlock_requests_total') },
};

async function send(req: Req, key: string | undefined, named?: Tenant): Promise<{ status: number; body: Body }> {
  const res = await fetch(gw.url + req.path, {
    method: req.method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(named ? { [TENANT_HEADER]: named } : {}),
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Prometheus text and JSON lines are checked as text.
  }
  return { status: res.status, body: { ...parsed, text } };
}

/** Two calls in one run per tenant, with the tenant's own workflow and steps, read back for their trace id. */
async function seed(tenant: Tenant): Promise<Fixture> {
  const steps = [`${tenant}-draft`, `${tenant}-review`];
  const callIds: string[] = [];
  for (const step of steps) {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyOf(tenant, 'user')}`, 'content-type': 'application/json', 'x-airlock-workflow': `wf-${tenant}`, 'x-airlock-run': `run-${tenant}`, 'x-airlock-step': step },
      body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: `hello from ${tenant}` }] }),
    });
    expect([res.status, await res.text()]).toEqual([200, expect.any(String)]);
    callIds.push(res.headers.get('x-airlock-call-id')!);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 50));
  await gw.app.airlock.store!.writer.flush();
  const found = await gw.app.airlock.store!.calls.get(tenant, callIds[0]!);
  return { tenant, callIds, runId: `run-${tenant}`, traceId: String(found!.call.trace_id), steps, approvalId: await heldIn(tenant) };
}

beforeAll(async () => {
  gw = await startGateway({
    providers: { demo: { kind: 'demo' } },
    models: { 'demo-1': { deployments: [{ provider: 'demo', model: 'demo-1' }] } },
    store: { kind: 'embedded', path: 'clickhouse' },
    policy: { watch: false },
    approvals: { settle_ms: 10, poll_ms: 100 },
    mcp: { servers: { local: { command: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL('./mcp/stdio-server.ts', import.meta.url))] } } },
  });
  for (const tenant of TENANTS) {
    for (const role of ROLES) {
      const { plainKey } = await gw.keyStore.create({ tenant, team: 'platform', user: `${role}-user`, roles: [role] });
      keys.set(`${tenant}/${role}`, plainKey);
    }
  }
  for (const role of ROLES) {
    const { record, plainKey } = await gw.keyStore.create({ tenant: HOME, team: 'platform', user: `${role}-revoked`, roles: [role] });
    await gw.keyStore.revoke(HOME, record.id);
    revoked.set(role, plainKey);
  }
  for (const tenant of TENANTS) {
    gw.app.airlock.store!.audit.append({ tenant, actor: 'test', action: 'test.seeded', subject: tenant });
    fixtures[tenant] = await seed(tenant);
  }
});
afterAll(async () => {
  await gw?.close();
});

describe('the admin access matrix', () => {
  it('has an entry for every registered admin route, and each route declares the access the entry expects', () => {
    const registered = gw.app.airlock.adminRoutes.map((r) => `${r.method} ${r.url}`);
    expect(registered.sort()).toEqual(Object.keys(MATRIX).sort());
    for (const route of gw.app.airlock.adminRoutes) {
      const probe = MATRIX[`${route.method} ${route.url}`]!;
      expect({ route: `${route.method} ${route.url}`, scope: route.access.scope, roles: [...route.access.roles].sort() }).toEqual({
        route: `${route.method} ${route.url}`,
        scope: probe.scope,
        roles: [...probe.roles].sort(),
      });
    }
  });

  for (const [route, probe] of Object.entries(MATRIX)) {
    it(`${route}: every role, own tenant, another tenant, revoked key, no key`, async () => {
      const failures: string[] = [];
      const expectStatus = (label: string, got: { status: number; body: Body }, want: number) => {
        if (got.status !== want) failures.push(`${label}: ${got.status} (wanted ${want}) ${got.body.text.slice(0, 200)}`);
        return got.status === want;
      };
      const checked = async (label: string, f: Fixture, got: { status: number; body: Body }, want: number) => {
        if (expectStatus(label, got, want) && want === probe.status) {
          try {
            probe.check?.(got.body, f);
          } catch (error) {
            failures.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
          }
        }
        await probe.after?.(got.status, f);
      };
      const own = fixtures[HOME];
      const other = fixtures[OTHER];

      await checked('no key', own, await send(await probe.request(own), undefined), 401);
      for (const role of ROLES) {
        const superadmin = role === SUPERADMIN_ROLE;
        const allowed = superadmin || probe.roles.includes(role);
        const key = keyOf(HOME, role);
        const granted = superadmin ? (probe.superadmin ?? probe.status) : probe.status;
        const refused = allowed ? granted : 403;

        await checked(`${role}, revoked key`, own, await send(await probe.request(own), revoked.get(role)), 401);
        await checked(`${role}, own tenant`, own, await send(await probe.request(own), key), refused);
        if (probe.scope === 'gateway') {
          await checked(`${role}, naming another tenant`, other, await send(await probe.request(other), key, OTHER), refused);
          continue;
        }
        // Another tenant's things, without naming that tenant.
        if (probe.foreign === 'ids') await checked(`${role}, another tenant's ids`, other, await send(await probe.request(other), key), allowed ? 404 : 403);
        if (probe.foreign === 'body') await checked(`${role}, another tenant in the body`, other, await send(await probe.request(other), key), superadmin ? probe.status : 403);
        // Naming another tenant: only a superadmin crosses, and then it sees that tenant's things, not its own.
        await checked(`${role}, naming another tenant`, other, await send(await probe.request(other), key, OTHER), superadmin ? granted : 403);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('crossing tenants', () => {
  it('a superadmin crossing is audited in the target tenant, naming the route and the tenant it came from', async () => {
    await gw.app.airlock.store!.writer.flush();
    const before = (await gw.app.airlock.store!.audit.entries(OTHER)).filter((e) => e.action === 'tenant.crossed').length;
    expect((await send({ method: 'GET', path: `/admin/calls/${fixtures[OTHER].callIds[0]}` }, keyOf(HOME, SUPERADMIN_ROLE), OTHER)).status).toBe(200);
    // The bootstrap key is a superadmin too (its own tenant is the config's).
    expect((await send({ method: 'GET', path: '/admin/keys' }, gw.adminKey, OTHER)).status).toBe(200);
    await gw.app.airlock.store!.writer.flush();
    const crossed = (await gw.app.airlock.store!.audit.entries(OTHER)).filter((e) => e.action === 'tenant.crossed');
    expect(crossed).toHaveLength(before + 2);
    expect(crossed.at(-2)).toMatchObject({ tenant: OTHER, subject: 'GET /admin/calls/:id', actor: expect.stringContaining('superadmin-user') });
    expect(JSON.parse(crossed.at(-2)!.details)).toMatchObject({ from_tenant: HOME, params: { id: fixtures[OTHER].callIds[0] } });
    expect(crossed.at(-1)).toMatchObject({ subject: 'GET /admin/keys', actor: 'admin (admin)' });
    expect(JSON.parse(crossed.at(-1)!.details)).toMatchObject({ from_tenant: 'default' });
    // Staying in one's own tenant is no crossing.
    await send({ method: 'GET', path: '/admin/keys' }, keyOf(HOME, SUPERADMIN_ROLE), HOME);
    await gw.app.airlock.store!.writer.flush();
    expect((await gw.app.airlock.store!.audit.entries(HOME)).filter((e) => e.action === 'tenant.crossed' && e.subject === 'GET /admin/keys')).toHaveLength(0);
  });

  it('an admin of one tenant cannot list, mint, revoke or export in another (the attack of issue 20)', async () => {
    const attacker = keyOf(OTHER, 'admin');
    const listed = await send({ method: 'GET', path: '/admin/keys' }, attacker);
    expect(rows(listed.body, 'keys').every((k) => k.tenant === OTHER)).toBe(true);

    const before = (await gw.keyStore.list(HOME)).length;
    const minted = await send({ method: 'POST', path: '/admin/keys', body: { team: 'x', user: 'mallory', roles: ['admin'], tenant: HOME } }, attacker);
    expect(minted.status).toBe(403);
    expect((await gw.keyStore.list(HOME)).length).toBe(before);
    // Nor can it mint itself a way across.
    expect((await send({ method: 'POST', path: '/admin/keys', body: { team: 'x', user: 'mallory', roles: [SUPERADMIN_ROLE] } }, attacker)).status).toBe(403);
    expect((await gw.keyStore.list(OTHER)).some((k) => k.user === 'mallory')).toBe(false);

    for (const k of await gw.keyStore.list(HOME)) {
      if (k.revoked_at) continue;
      expect((await send({ method: 'POST', path: `/admin/keys/${k.id}/revoke` }, attacker)).status).toBe(404);
    }
    expect((await gw.keyStore.list(HOME)).filter((k) => k.user.endsWith('-user')).every((k) => k.revoked_at === null)).toBe(true);

    const exported = await send({ method: 'GET', path: '/admin/audit/export?format=jsonl' }, attacker);
    expect(exported.body.text).not.toContain(`"tenant":"${HOME}"`);
    expect((await send({ method: 'GET', path: `/admin/audit/export?tenant=${HOME}` }, attacker)).status).toBe(403);
  });

  it('spans another tenant sends into a trace stay that tenant\'s: neither side sees the other\'s', async () => {
    const target = fixtures[HOME];
    const now = BigInt(Date.now()) * 1_000_000n;
    const res = await fetch(`${gw.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyOf(OTHER, 'user')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: target.traceId, spanId: 'ab'.repeat(8), name: 'injected', startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n) }] }] }],
      }),
    });
    expect(res.status).toBe(200);
    await gw.app.airlock.store!.writer.flush();
    const seenByHome = await send({ method: 'GET', path: `/admin/traces/${target.traceId}` }, keyOf(HOME, 'analyst'));
    expect(rows(seenByHome.body, 'spans').map((s) => s.name)).not.toContain('injected');
    const seenByOther = await send({ method: 'GET', path: `/admin/traces/${target.traceId}` }, keyOf(OTHER, 'analyst'));
    expect(rows(seenByOther.body, 'spans').map((s) => s.name)).toEqual(['injected']);
  });

  it('names the tenant one way at a time, and only a valid tenant name', async () => {
    const superadmin = keyOf(HOME, SUPERADMIN_ROLE);
    expect((await send({ method: 'GET', path: `/admin/keys?tenant=${OTHER}` }, superadmin)).status).toBe(200);
    expect((await send({ method: 'GET', path: `/admin/keys?tenant=${HOME}` }, superadmin, OTHER)).status).toBe(400);
    expect((await send({ method: 'GET', path: '/admin/keys?tenant=a%2Fb' }, superadmin)).status).toBe(400);
    const both = await send({ method: 'POST', path: '/admin/keys', body: { team: 't', user: 'u', tenant: HOME } }, superadmin, OTHER);
    expect(both.status).toBe(400);
    expect(both.body.text).toContain(TENANT_HEADER);
  });
});
