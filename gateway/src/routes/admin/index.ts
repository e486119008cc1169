/**
 * The admin API: an encapsulated plugin with its own authentication hook, so no admin route can forget it.
 * Operational state (deployments, metrics) and analytics need an operator or analyst role; key and audit
 * administration need the admin role. Every read is scoped to the caller's tenant.
 */
import { CallFiltersSchema, KpiQuerySchema, exportAudit, toChTime } from '@airlock/clickhouse';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ADMIN_ROLE, type Principal } from '../../auth/principal.js';
import type { KeyAdmin } from '../../auth/key-admin.js';
import { GatewayError } from '../../errors.js';
import type { StageDeps } from '../../pipeline/deps.js';
import { compileRegoBundle, type DecisionEngine } from '../../policy/policy-engine.js';
import { fromJSON } from '@airlock/policies';

/** Roles that may read operational state and analytics. */
export const ANALYST_ROLES: ReadonlySet<string> = new Set([ADMIN_ROLE, 'operator', 'analyst', 'compliance']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || '(query)';
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${field}\`: ${issue.message}`, { param: field });
}

const RangeSchema = z.object({ from: z.string().optional(), to: z.string().optional(), workflow: z.string().optional() }).strict();
const NewKeySchema = z
  .object({ team: z.string().min(1), user: z.string().min(1), roles: z.array(z.string().min(1)).default(['user']), tenant: z.string().optional() })
  .strict();
const AuditExportSchema = z.object({ from: z.string().optional(), to: z.string().optional(), format: z.enum(['csv', 'jsonl']).default('jsonl') }).strict();

export async function registerAdminRoutes(app: FastifyInstance, options: { deps: StageDeps; keys: KeyAdmin }): Promise<void> {
  const { deps, keys } = options;
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = await deps.authenticator.authenticate(request.headers);
    if (!request.principal.roles.some((r) => ANALYST_ROLES.has(r))) {
      throw new GatewayError('GW_ERR_FORBIDDEN', 'This key may not use the admin API.');
    }
  });
  const tenantOf = (request: FastifyRequest): string => request.principal!.tenant;
  const requireAdmin = async (request: FastifyRequest): Promise<void> => {
    if (!request.principal!.roles.includes(ADMIN_ROLE)) throw new GatewayError('GW_ERR_FORBIDDEN', 'This route needs the admin role.');
  };
  const store = () => {
    if (!deps.store) throw new GatewayError('GW_ERR_NOT_FOUND', 'No trace store is configured (store.kind is none).');
    return deps.store;
  };

  app.get('/admin/deployments', async () => ({ deployments: deps.router.health() }));
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(deps.metrics.registry.render()));

  app.get('/admin/calls', async (request) => store().calls.list(tenantOf(request), parse(CallFiltersSchema, request.query)));
  app.get<{ Params: { id: string } }>('/admin/calls/:id', async (request) => {
    const found = await store().calls.get(tenantOf(request), request.params.id);
    if (!found) throw new GatewayError('GW_ERR_NOT_FOUND', `No call ${request.params.id}.`);
    return found;
  });
  app.get<{ Params: { id: string } }>('/admin/traces/:id', async (request) => ({ trace: request.params.id, spans: await store().calls.trace(tenantOf(request), request.params.id) }));
  app.get<{ Params: { id: string } }>('/admin/runs/:id', async (request) => ({ run: request.params.id, calls: await store().calls.run(tenantOf(request), request.params.id) }));
  app.get('/admin/metrics/kpis', async (request) => ({ rows: await store().metrics.kpis(tenantOf(request), parse(KpiQuerySchema, request.query)) }));
  app.get('/admin/metrics/steps', async (request) => ({ rows: await store().metrics.steps(tenantOf(request), parse(RangeSchema, request.query)) }));
  app.get('/admin/metrics/transitions', async (request) => ({ rows: await store().metrics.transitions(tenantOf(request), parse(RangeSchema, request.query)) }));

  app.get('/admin/keys', { preHandler: requireAdmin }, async () => ({ keys: (await keys.list()).map(({ hash: _hash, ...k }) => k) }));
  app.post('/admin/keys', { preHandler: requireAdmin }, async (request, reply) => {
    const body = parse(NewKeySchema, request.body ?? {});
    const p = request.principal!;
    const { record, plainKey } = await keys.create(`${p.user} (${p.keyId})`, { tenant: body.tenant ?? p.tenant, team: body.team, user: body.user, roles: body.roles });
    const { hash: _hash, ...shown } = record;
    return reply.code(201).send({ ...shown, key: plainKey });
  });
  app.post<{ Params: { id: string } }>('/admin/keys/:id/revoke', { preHandler: requireAdmin }, async (request) => {
    const p = request.principal!;
    if (!(await keys.revoke(`${p.user} (${p.keyId})`, request.params.id))) throw new GatewayError('GW_ERR_NOT_FOUND', `No key ${request.params.id}.`);
    return { id: request.params.id, revoked: true };
  });

  const policy = () => {
    if (!deps.policy) throw new GatewayError('GW_ERR_NOT_FOUND', 'Policies are disabled (policy.enabled is false).');
    return deps.policy;
  };
  app.get('/admin/policies', { preHandler: requireAdmin }, async () => {
    const b = policy().current;
    return { dir: b.dir, revision: b.revision, loaded_at: b.loadedAt };
  });
  app.post('/admin/policies/reload', { preHandler: requireAdmin }, async (request, reply) => {
    const before = policy().current.revision;
    try {
      const b = await policy().reload(request.principal!.keyId);
      return { revision: b.revision, changed: b.revision !== before };
    } catch (error) {
      return reply.code(422).send({ error: { message: (error as Error).message, type: 'invalid_request_error', code: 'GW_ERR_INVALID_REQUEST', failures: (error as { failures?: string[] }).failures ?? [] }, revision: before });
    }
  });
  const CandidateSchema = z
    .object({ modules: z.array(z.object({ file: z.string().min(1), source: z.string() }).strict()).min(1), data: z.record(z.string(), z.unknown()).optional() })
    .strict();
  app.post('/admin/policies/evaluate', async (request, reply) => {
    const body = parse(z.object({ input: z.unknown(), candidate: CandidateSchema.optional() }).strict(), request.body ?? {});
    let engine: DecisionEngine = policy().current.engine;
    let revision = policy().current.revision;
    if (body.candidate) {
      // A candidate bundle is compiled and its own tests run, exactly as a reload would, but nothing is swapped in.
      try {
        engine = compileRegoBundle('candidate', body.candidate.modules, fromJSON(body.candidate.data ?? {}));
        revision = 'candidate';
      } catch (error) {
        return reply.code(422).send({ error: { message: (error as Error).message, type: 'invalid_request_error', code: 'GW_ERR_INVALID_REQUEST', failures: (error as { failures?: string[] }).failures ?? [] } });
      }
    }
    const t0 = performance.now();
    const { value, fired } = engine.explain(body.input, { strict: true, maxSteps: 200_000 });
    return { decision: value ?? null, engine: engine.kind, revision, engine_ms: performance.now() - t0, explanation: fired };
  });

  app.get('/admin/audit/verify', { preHandler: requireAdmin }, async () => {
    await store().writer.flush();
    return store().audit.verify();
  });
  app.get('/admin/audit/export', { preHandler: requireAdmin }, async (request, reply) => {
    const q = parse(AuditExportSchema, request.query);
    await store().writer.flush();
    const entries = await store().audit.entries({ ...(q.from ? { from: toChTime(q.from) } : {}), ...(q.to ? { to: toChTime(q.to) } : {}) });
    return reply.type(q.format === 'csv' ? 'text/csv' : 'application/x-ndjson').send(exportAudit(entries, q.format));
  });
}
