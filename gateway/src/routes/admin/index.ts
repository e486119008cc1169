/**
 * The admin API: an encapsulated plugin with its own authentication hook, so no admin route can forget it. Every
 * route declares its access (auth/access.ts) and one that does not fails to register. A tenant-scoped route acts in
 * the caller's tenant, or in the one a superadmin names with `x-airlock-tenant` (or `?tenant=`); each such crossing
 * is audited in the target tenant's trail. Another tenant's ids answer 404, exactly as ids that do not exist.
 */
import { CallFiltersSchema, KpiQuerySchema, ProcessQuerySchema, RangeSchema, exportAudit, parseCheckpoints, parsePublicKey, toChTime } from '@airlock/clickhouse';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCESS, TENANT_HEADER, actingTenant, actorOf, allows, checkTenantName, isSuperadmin, SUPERADMIN_ROLE, type Access } from '../../auth/access.js';
import type { Principal } from '../../auth/principal.js';
import type { KeyAdmin } from '../../auth/key-admin.js';
import { GatewayError } from '../../errors.js';
import type { StageDeps } from '../../pipeline/deps.js';
import { compileRegoBundle, type DecisionEngine } from '../../policy/policy-engine.js';
import { fromJSON } from '@airlock/policies';
import { registerApprovalRoutes } from './approvals.js';
import { registerMcpAdminRoutes } from './mcp.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The tenant the request acts in (null on gateway-scoped routes). */
    tenant: string | null;
    /** Whether the header or query named the tenant, so a body cannot name a second one. */
    tenantNamed: boolean;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || '(query)';
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${field}\`: ${issue.message}`, { param: field });
}

const NewKeySchema = z
  .object({ team: z.string().min(1), user: z.string().min(1), roles: z.array(z.string().min(1)).default(['user']), tenant: z.string().optional() })
  .strict();
/** The text of a checkpoint file, as `airlock audit verify --checkpoints FILE` sends it. */
const MAX_CHECKPOINTS_BYTES = 64 * 1024 * 1024;
const AuditVerifySchema = z.object({ checkpoints: z.string(), public_key: z.string().optional() }).strict();
const AuditExportSchema = z.object({ from: z.string().optional(), to: z.string().optional(), format: z.enum(['csv', 'jsonl']).default('jsonl') }).strict();

function parseKey(pem: string) {
  try {
    return parsePublicKey(pem);
  } catch (error) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`public_key\`: ${(error as Error).message}`, { param: 'public_key' });
  }
}

/** The query without `tenant`, which names the acting tenant and is no filter of any route. */
function queryOf(request: FastifyRequest): Record<string, unknown> {
  const { tenant: _tenant, ...rest } = (request.query ?? {}) as Record<string, unknown>;
  return rest;
}

/** The tenant named by the header or the query, if any; naming two different ones is a mistake, not a choice. */
function namedTenant(request: FastifyRequest): string | undefined {
  const header = request.headers[TENANT_HEADER];
  const query = (request.query as Record<string, unknown> | undefined)?.tenant;
  if (header !== undefined && typeof header !== 'string') throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: send one \`${TENANT_HEADER}\` header.`, { param: TENANT_HEADER });
  if (query !== undefined && typeof query !== 'string') throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Invalid request: `tenant`: give one tenant.', { param: 'tenant' });
  if (header !== undefined && query !== undefined && header !== query) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`${TENANT_HEADER}\` and \`tenant\` name different tenants.`, { param: 'tenant' });
  }
  const named = header ?? query;
  return named === undefined ? undefined : checkTenantName(named, header !== undefined ? TENANT_HEADER : 'tenant');
}

/** A registered admin route and the access it declared. */
export interface AdminRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

export interface AdminRoutesOptions {
  readonly deps: StageDeps;
  readonly keys: KeyAdmin;
  /** Filled with every route as it registers: the table the access tests are generated from. */
  readonly registered: AdminRoute[];
}

export async function registerAdminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { deps, keys } = options;
  app.decorateRequest('principal', null);
  app.decorateRequest('tenant', null);
  app.decorateRequest('tenantNamed', false);

  /** Moves the request into a tenant; a superadmin's crossing is written to that tenant's trail before it acts. */
  const enter = (request: FastifyRequest, named: string | undefined): string => {
    const p = request.principal!;
    const { tenant, crossed } = actingTenant(p, named);
    if (crossed) {
      deps.store?.audit.append({
        tenant,
        actor: actorOf(p),
        action: 'tenant.crossed',
        subject: `${request.method} ${request.routeOptions.url}`,
        details: { from_tenant: p.tenant, params: request.params ?? {}, query: queryOf(request) },
      });
    }
    return (request.tenant = tenant);
  };

  // An admin answer (a key created or revoked, a tenant crossed) completes only once its audit entries are in the
  // store's write-ahead file, as a call's answer does: a kill of the process cannot lose an entry it acknowledged.
  app.addHook('onSend', async (_request, _reply, payload) => {
    await deps.store?.committed();
    return payload;
  });
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`admin route ${String(route.method)} ${route.url} declares no access (see auth/access.ts)`);
    // A HEAD route is Fastify's twin of a GET, with the same hooks and access.
    for (const method of [route.method].flat()) if (method !== 'HEAD') options.registered.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (request) => {
    const p = (request.principal = await deps.authenticator.authenticate(request.headers));
    const access = request.routeOptions.config.access!;
    if (!allows(p, access)) {
      const who = access.roles.length ? `one of the roles ${access.roles.join(', ')}` : `the ${SUPERADMIN_ROLE} role`;
      throw new GatewayError('GW_ERR_FORBIDDEN', `This route needs ${who}.`);
    }
    if (access.scope === 'gateway') return;
    const named = namedTenant(request);
    request.tenantNamed = named !== undefined;
    enter(request, named);
  });
  const tenantOf = (request: FastifyRequest): string => request.tenant!;
  const store = () => {
    if (!deps.store) throw new GatewayError('GW_ERR_NOT_FOUND', 'No trace store is configured (store.kind is none).');
    return deps.store;
  };
  const read = { config: { access: ACCESS.read } };
  const keyAdmin = { config: { access: ACCESS.keys } };
  const audit = { config: { access: ACCESS.audit } };
  const gateway = { config: { access: ACCESS.gateway } };

  // Who the key is: the console builds its menu from these roles (and the server refuses the rest anyway).
  app.get('/admin/me', { config: { access: ACCESS.self } }, async (request) => {
    const { keyId, tenant, team, user, roles } = request.principal!;
    return { key_id: keyId, tenant, team, user, roles };
  });
  app.get('/admin/deployments', gateway, async () => ({ deployments: deps.router.health() }));
  app.get('/metrics', gateway, async (_request, reply) => reply.type('text/plain; version=0.0.4').send(deps.metrics.registry.render()));

  app.get('/admin/calls', read, async (request) => store().calls.list(tenantOf(request), parse(CallFiltersSchema, queryOf(request))));
  app.get<{ Params: { id: string } }>('/admin/calls/:id', read, async (request) => {
    const found = await store().calls.get(tenantOf(request), request.params.id);
    if (!found) throw new GatewayError('GW_ERR_NOT_FOUND', `No call ${request.params.id}.`);
    return found;
  });
  app.get<{ Params: { id: string } }>('/admin/traces/:id', read, async (request) => {
    const spans = await store().calls.trace(tenantOf(request), request.params.id);
    if (!spans.length) throw new GatewayError('GW_ERR_NOT_FOUND', `No trace ${request.params.id}.`);
    return { trace: request.params.id, spans };
  });
  app.get<{ Params: { id: string } }>('/admin/runs/:id', read, async (request) => {
    const calls = await store().calls.run(tenantOf(request), request.params.id);
    if (!calls.length) throw new GatewayError('GW_ERR_NOT_FOUND', `No run ${request.params.id}.`);
    return { run: request.params.id, calls };
  });
  app.get('/admin/metrics/kpis', read, async (request) => ({ rows: await store().metrics.kpis(tenantOf(request), parse(KpiQuerySchema, queryOf(request))) }));
  app.get('/admin/metrics/steps', read, async (request) => ({ rows: await store().metrics.steps(tenantOf(request), parse(RangeSchema, queryOf(request))) }));
  app.get('/admin/metrics/process', read, async (request) => store().metrics.processMap(tenantOf(request), parse(ProcessQuerySchema, queryOf(request))));
  app.get('/admin/metrics/transitions', read, async (request) => ({ rows: await store().metrics.transitions(tenantOf(request), parse(RangeSchema, queryOf(request))) }));

  app.get('/admin/keys', keyAdmin, async (request) => ({ keys: (await keys.list(tenantOf(request))).map(({ hash: _hash, ...k }) => k) }));
  app.post('/admin/keys', keyAdmin, async (request, reply) => {
    const body = parse(NewKeySchema, request.body ?? {});
    const p = request.principal!;
    // A body's tenant is a claim like the header's, under the same rule; a request may not name two.
    let tenant = tenantOf(request);
    if (body.tenant !== undefined && body.tenant !== tenant) {
      if (request.tenantNamed) throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid request: \`tenant\` differs from the tenant named by \`${TENANT_HEADER}\`.`, { param: 'tenant' });
      tenant = enter(request, checkTenantName(body.tenant, 'tenant'));
    }
    if (body.roles.includes(SUPERADMIN_ROLE) && !isSuperadmin(p)) throw new GatewayError('GW_ERR_FORBIDDEN', `Only a ${SUPERADMIN_ROLE} may create a ${SUPERADMIN_ROLE} key.`);
    const { record, plainKey } = await keys.create(actorOf(p), { tenant, team: body.team, user: body.user, roles: body.roles });
    const { hash: _hash, ...shown } = record;
    return reply.code(201).send({ ...shown, key: plainKey });
  });
  app.post<{ Params: { id: string } }>('/admin/keys/:id/revoke', keyAdmin, async (request) => {
    if (!(await keys.revoke(actorOf(request.principal!), tenantOf(request), request.params.id))) throw new GatewayError('GW_ERR_NOT_FOUND', `No key ${request.params.id}.`);
    return { id: request.params.id, revoked: true };
  });

  const policy = () => {
    if (!deps.policy) throw new GatewayError('GW_ERR_NOT_FOUND', 'Policies are disabled (policy.enabled is false).');
    return deps.policy;
  };
  app.get('/admin/policies', gateway, async () => {
    const b = policy().current;
    return { dir: b.dir, revision: b.revision, loaded_at: b.loadedAt };
  });
  app.post('/admin/policies/reload', gateway, async (request, reply) => {
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
  app.post('/admin/policies/evaluate', read, async (request, reply) => {
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
    try {
      const { value, fired } = engine.explain(body.input, { strict: true, maxSteps: 200_000 });
      return { decision: value ?? null, engine: engine.kind, revision, engine_ms: performance.now() - t0, explanation: fired };
    } catch (error) {
      // The bundle failed on this input (a runtime error, the step limit): an answer about the policy, with its location.
      return reply.code(422).send({ error: { message: `policy evaluation failed: ${(error as Error).message}`, type: 'invalid_request_error', code: 'GW_ERR_INVALID_REQUEST', param: 'input' }, revision });
    }
  });

  registerApprovalRoutes(app, {
    approvals: () => {
      if (!deps.approvals) throw new GatewayError('GW_ERR_NOT_FOUND', 'No approvals: this gateway has no store (store.kind is none).');
      return deps.approvals;
    },
    parse,
    queryOf,
  });
  registerMcpAdminRoutes(app, deps, parse);

  app.get('/admin/audit/verify', audit, async (request) => {
    await store().writer.flush();
    return store().audit.verify(tenantOf(request));
  });
  // Checkpoints kept elsewhere (and the key they were signed with) are checked against the trail as it is now.
  app.post('/admin/audit/verify', { ...audit, bodyLimit: MAX_CHECKPOINTS_BYTES }, async (request) => {
    const body = parse(AuditVerifySchema, request.body ?? {});
    const publicKey = body.public_key === undefined ? undefined : parseKey(body.public_key);
    await store().writer.flush();
    return store().audit.verify(tenantOf(request), { checkpoints: parseCheckpoints(body.checkpoints), ...(publicKey ? { publicKey } : {}) });
  });
  app.get('/admin/audit/checkpoints', audit, async (request) => {
    const trail = store().audit;
    return { tenant: tenantOf(request), key_id: trail.keys.keyId, public_key: trail.keys.publicKeyPem, checkpoints: trail.checkpoints(tenantOf(request)) };
  });
  app.get('/admin/audit/export', audit, async (request, reply) => {
    const q = parse(AuditExportSchema, queryOf(request));
    await store().writer.flush();
    const entries = await store().audit.entries(tenantOf(request), { ...(q.from ? { from: toChTime(q.from) } : {}), ...(q.to ? { to: toChTime(q.to) } : {}) });
    return reply.type(q.format === 'csv' ? 'text/csv' : 'application/x-ndjson').send(exportAudit(entries, q.format));
  });
}
