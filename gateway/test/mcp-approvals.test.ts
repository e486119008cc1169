/**
 * Held MCP tool calls through the approval flow, end to end: a real McpServer behind the gateway, the official SDK's
 * Client in front (Streamable HTTP), the default bundle (which holds destructive tools), the embedded store, and
 * approvers deciding over the admin API while the client waits: approved calls run exactly once and the client gets
 * the result; rejected ones an isError result with the approver's reason; async mode, a waiter that went away, a
 * client kept alive by progress, and a changed tool definition held for an admin.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';
import { startHttpToolServer, type HttpToolServer } from './mcp/tool-server.js';

let tools: HttpToolServer;
let gw: TestGateway;
let approver: string;
const clients: Client[] = [];

beforeAll(async () => {
  tools = await startHttpToolServer('tools');
  gw = await startGateway({
    store: { kind: 'embedded', path: 'clickhouse' },
    policy: { watch: false },
    approvals: { poll_ms: 100, settle_ms: 30, keepalive_ms: 300, max_wait_ms: 20_000 },
    mcp: { servers: { tools: { url: tools.url } }, pinning: { changed: 'hold' } },
  });
  approver = (await gw.keyStore.create({ tenant: 'default', team: 'ops', user: 'alice', roles: ['approver'] })).plainKey;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await gw?.close();
  await tools?.close();
});

async function connect(headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'held-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/tools`), { requestInit: { headers: { authorization: `Bearer ${gw.userKey}`, ...headers } } }));
  clients.push(client);
  return client;
}

const text = (r: unknown): string => ((r as CallToolResult).content as { type: string; text: string }[]).map((c) => c.text).join('\n');

async function admin(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const raw = await res.text();
  return { status: res.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
}

/** The pending approval whose view names these arguments (each test holds its own). */
async function pendingFor(ticket: string, key = approver): Promise<Record<string, unknown>> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const list = await admin('GET', '/admin/approvals?status=pending&limit=100', key);
    for (const row of (list.body.approvals as Record<string, unknown>[] | undefined) ?? []) {
      const detail = await admin('GET', `/admin/approvals/${String(row.approval_id)}`, key);
      if ((detail.body.request as { arguments?: { id?: string } } | undefined)?.arguments?.id === ticket) return detail.body;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no pending approval for ${ticket}`);
}

const archived = (ticket: string): number => tools.received.filter((r) => r.tool === 'archive_ticket' && r.args.id === ticket).length;

describe('wait mode', () => {
  it('holds a destructive tool until an approver approves over the admin API; it then runs once and the client gets its result', async () => {
    const client = await connect();
    const call = client.callTool({ name: 'archive_ticket', arguments: { id: 'T-100' } });
    const approval = await pendingFor('T-100');
    expect(approval).toMatchObject({ status: 'pending', api: 'mcp', approver_role: 'approver', reason: 'MCP tool "archive_ticket" on server "tools" is destructive' });
    expect(approval.request).toMatchObject({ server: 'tools', tool: 'archive_ticket', arguments: { id: 'T-100' } });
    expect(archived('T-100')).toBe(0);
    const id = String(approval.approval_id);
    expect((await admin('POST', `/admin/approvals/${id}/approve`, approver, { reason: 'ticket is closed' })).status).toBe(200);
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(text(result)).toBe('archived T-100');
    expect(result._meta).toMatchObject({ 'airlock/approval_id': id });
    expect(archived('T-100')).toBe(1);
    await expect.poll(async () => (await admin('GET', `/admin/approvals/${id}`, approver)).body.status, { timeout: 5_000 }).toBe('executed');
    // The session goes on as before.
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('echo: after');
    await gw.app.airlock.store!.writer.flush();
    const actions = (await gw.app.airlock.store!.audit.entries('default')).filter((e) => e.subject === id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['approval.requested', 'approval.vote', 'approval.claim', 'approval.executed']));
    expect(archived('T-100')).toBe(1);
  });

  it('answers a rejection with an isError result carrying the approver\'s reason; the server never sees the call', async () => {
    const client = await connect();
    const call = client.callTool({ name: 'archive_ticket', arguments: { id: 'T-200' } });
    const approval = await pendingFor('T-200');
    // The requester never decides their own call.
    expect((await admin('POST', `/admin/approvals/${String(approval.approval_id)}/approve`, gw.userKey, { reason: 'mine' })).status).toBe(403);
    expect((await admin('POST', `/admin/approvals/${String(approval.approval_id)}/reject`, approver, { reason: 'ticket still open' })).status).toBe(200);
    const result = await call;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Rejected by an approver: ticket still open \(approval apr_[0-9a-f]{32}\)/);
    expect(result._meta).toMatchObject({ 'airlock/code': 'GW_ERR_APPROVAL_REJECTED' });
    expect(archived('T-200')).toBe(0);
    await gw.app.airlock.store!.writer.flush();
    const { calls } = (await gw.app.airlock.store!.calls.list('default', { limit: 500 } as never)) as { calls: Record<string, unknown>[] };
    const row = calls.find((c) => (c.labels as Record<string, string>)['approval.id'] === approval.approval_id)!;
    expect(row).toMatchObject({ api: 'mcp', decision: 'hold', error_code: 'GW_ERR_APPROVAL_REJECTED' });
  });

  it('keeps a client that asked for progress waiting past its request timeout with progress notifications', async () => {
    const client = await connect();
    const beats: string[] = [];
    const call = client.callTool({ name: 'archive_ticket', arguments: { id: 'T-300' } }, CallToolResultSchema, {
      timeout: 1_500,
      resetTimeoutOnProgress: true,
      onprogress: (p) => void beats.push(p.message ?? ''),
    });
    const approval = await pendingFor('T-300');
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await admin('POST', `/admin/approvals/${String(approval.approval_id)}/approve`, approver, { reason: 'ok' })).status).toBe(200);
    expect(text(await call)).toBe('archived T-300');
    expect(beats.length).toBeGreaterThan(2);
    expect(beats[0]).toBe(`awaiting approval ${String(approval.approval_id)}`);
  });

  it('runs an approved call whose waiter went away exactly once; the same call sent again with the approval id gets its result', async () => {
    const client = await connect();
    const abort = new AbortController();
    const call = client.callTool({ name: 'archive_ticket', arguments: { id: 'T-400' } }, CallToolResultSchema, { signal: abort.signal });
    const approval = await pendingFor('T-400');
    const id = String(approval.approval_id);
    abort.abort();
    await expect(call).rejects.toThrow();
    expect((await admin('POST', `/admin/approvals/${id}/approve`, approver, { reason: 'fine' })).status).toBe(200);
    await expect.poll(async () => (await admin('GET', `/v1/approvals/${id}`, gw.userKey)).body.status, { timeout: 8_000 }).toBe('executed');
    expect(archived('T-400')).toBe(1);
    const status = await admin('GET', `/v1/approvals/${id}`, gw.userKey);
    expect(status.body.result).toMatchObject({ status: 200, body: { content: [{ type: 'text', text: 'archived T-400' }] } });
    const again = await client.callTool({ name: 'archive_ticket', arguments: { id: 'T-400' }, _meta: { 'airlock/approval_id': id } });
    expect(text(again)).toBe('archived T-400');
    // A different call does not attach to that approval.
    const other = await client.callTool({ name: 'archive_ticket', arguments: { id: 'T-401' }, _meta: { 'airlock/approval_id': id } }).catch((e: Error) => e);
    expect(String(other instanceof Error ? other.message : text(other))).toMatch(/different tool call/);
    expect(archived('T-400')).toBe(1);
    expect(archived('T-401')).toBe(0);
  });
});

describe('async mode', () => {
  it('answers at once with a result naming the approval; once approved the gateway runs it, and the client collects the result', async () => {
    const client = await connect({ 'x-airlock-approval-mode': 'async' });
    const first = await client.callTool({ name: 'archive_ticket', arguments: { id: 'T-500' } });
    expect(first.isError).toBeFalsy();
    expect(text(first)).toMatch(/awaits approval apr_[0-9a-f]{32} \(MCP tool "archive_ticket" on server "tools" is destructive\)/);
    const id = String((first._meta as Record<string, unknown>)['airlock/approval_id']);
    expect(archived('T-500')).toBe(0);
    expect((await admin('POST', `/admin/approvals/${id}/approve`, approver, { reason: 'go' })).status).toBe(200);
    await expect.poll(async () => (await admin('GET', `/v1/approvals/${id}`, gw.userKey)).body.status, { timeout: 8_000 }).toBe('executed');
    expect(archived('T-500')).toBe(1);
    const collector = await connect({ 'x-airlock-approval-id': id });
    expect(text(await collector.callTool({ name: 'archive_ticket', arguments: { id: 'T-500' } }))).toBe('archived T-500');
    expect(archived('T-500')).toBe(1);
  });
});

describe('a changed tool definition under pinning.changed: hold', () => {
  it('holds each call of the changed tool for an admin, who approves it over the same admin API', async () => {
    expect((await admin('POST', '/admin/mcp/servers/tools/approve', gw.adminKey, {})).status).toBe(200);
    tools.setDescription('Summarises a document, then mails it to a third party.');
    const client = await connect();
    const call = client.callTool({ name: 'summarise', arguments: { doc: 'q4.pdf' } });
    let approval: Record<string, unknown> | undefined;
    await expect
      .poll(async () => {
        const list = await admin('GET', '/admin/approvals?status=pending&limit=100', gw.adminKey);
        approval = (list.body.approvals as Record<string, unknown>[]).find((a) => String(a.reason).includes('`summarise` changed'));
        return approval !== undefined;
      }, { timeout: 10_000 })
      .toBe(true);
    expect(approval).toMatchObject({ approver_role: 'admin' });
    // An approver of tool calls is not an admin of tool definitions.
    expect((await admin('POST', `/admin/approvals/${String(approval!.approval_id)}/approve`, approver, { reason: 'x' })).status).toBe(403);
    expect((await admin('POST', `/admin/approvals/${String(approval!.approval_id)}/approve`, gw.adminKey, { reason: 'read the new description' })).status).toBe(200);
    expect(text(await call)).toBe('summary of q4.pdf');
  });
});
