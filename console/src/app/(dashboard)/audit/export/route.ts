import { requirePage } from '../../../../lib/gateway';

/** GET /audit/export?format=csv|jsonl: the tenant's trail as the gateway exports it, with the viewer's key. */
export async function GET(request: Request): Promise<Response> {
  const { admin } = await requirePage('/audit');
  const format = new URL(request.url).searchParams.get('format') === 'csv' ? 'csv' : 'jsonl';
  const text = await admin.audit.export({ format });
  return new Response(text, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="airlock-audit.${format}"`,
      'cache-control': 'no-store',
    },
  });
}
