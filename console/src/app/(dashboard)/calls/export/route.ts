import type { Call } from '@airlock/sdk';
import { parseCallSearch } from '../../../../features/calls/filters';
import { requirePage } from '../../../../lib/gateway';

/** The columns of a CSV export, in order; JSON lines carry every field the gateway answers. */
const COLUMNS = [
  'received_at', 'call_id', 'tenant', 'team', 'user', 'key_id', 'workflow', 'run_id', 'step', 'api', 'requested_model', 'served_model',
  'deployment', 'status', 'error_code', 'duration_ms', 'input_tokens', 'output_tokens', 'cost_micros', 'decision', 'decision_reasons',
  'pii_counts', 'approval_id', 'policy_revision',
] as const;

const PAGE = 1000;

function cell(value: unknown): string {
  const text = Array.isArray(value)
    ? value.join('; ')
    : value && typeof value === 'object'
      ? Object.entries(value).map(([k, v]) => `${k}:${String(v)}`).join('; ')
      : String(value ?? '');
  // Quoted when needed; a leading =, +, - or @ is defused so a spreadsheet never runs a recorded string as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvLine = (call: Call) => COLUMNS.map((c) => cell(call[c])).join(',') + '\n';

/**
 * GET /calls/export?format=csv|jsonl&…the calls filters: every page of the filter, streamed as it is read, with the
 * viewer's own key (so the gateway scopes it to their tenant and roles, as it does the list).
 */
export async function GET(request: Request): Promise<Response> {
  const { admin } = await requirePage('/calls');
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const format = params.format === 'jsonl' ? 'jsonl' : 'csv';
  const { cursor: _cursor, ...filters } = parseCallSearch(params);
  // The first page is read before answering, so a filter the gateway refuses is a 400 and not a broken download.
  let page: Awaited<ReturnType<typeof admin.calls.list>>;
  try {
    page = await admin.calls.list({ ...filters, limit: PAGE });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: (error as { status?: number }).status === 400 ? 400 : 502 });
  }
  const encoder = new TextEncoder();
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        if (format === 'csv') controller.enqueue(encoder.encode(COLUMNS.join(',') + '\n'));
      } else if (page.next) {
        page = await admin.calls.list({ ...filters, cursor: page.next, limit: PAGE });
      } else {
        controller.close();
        return;
      }
      const text = page.calls.map((c) => (format === 'csv' ? csvLine(c) : JSON.stringify(c) + '\n')).join('');
      if (text) controller.enqueue(encoder.encode(text));
      if (!page.next) controller.close();
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(stream, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="airlock-calls-${stamp}.${format}"`,
      'cache-control': 'no-store',
    },
  });
}
