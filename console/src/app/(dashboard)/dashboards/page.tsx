import Link from 'next/link';
import { z } from 'zod';
import { KpiCharts } from '../../../features/dashboards/components/kpi-charts';
import { requirePage } from '../../../lib/gateway';

const QuerySchema = z.object({
  from: z.string().trim().optional().catch(undefined),
  to: z.string().trim().optional().catch(undefined),
  bucket: z.enum(['minute', 'hour', 'day']).catch('hour'),
  group_by: z.enum(['none', 'model', 'team', 'workflow']).catch('model'),
});

export default async function DashboardsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const raw = await searchParams;
  const query = QuerySchema.parse({ ...raw, from: raw.from || undefined, to: raw.to || undefined });
  const { admin } = await requirePage('/dashboards');
  const range = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
  const [kpis, steps] = await Promise.all([admin.metrics.kpis({ ...range, bucket: query.bucket, group_by: query.group_by }), admin.metrics.steps(range)]);
  // Where the time goes: steps ranked by the time all their calls took together (frequency × median).
  const ranked = steps.rows
    .map((r) => ({ ...r, total_ms: Number(r.calls) * Number(r.p50_ms) }))
    .sort((a, b) => b.total_ms - a.total_ms);
  return (
    <>
      <h1>Dashboards</h1>
      <form className="filters" method="get" aria-label="Range and grouping">
        <label>
          from (UTC)
          <input name="from" defaultValue={query.from ?? ''} placeholder="2026-12-01" />
        </label>
        <label>
          to (UTC)
          <input name="to" defaultValue={query.to ?? ''} />
        </label>
        <label>
          bucket
          <select name="bucket" defaultValue={query.bucket}>
            {['minute', 'hour', 'day'].map((b) => <option key={b}>{b}</option>)}
          </select>
        </label>
        <label>
          group by
          <select name="group_by" defaultValue={query.group_by}>
            {['none', 'model', 'team', 'workflow'].map((g) => <option key={g}>{g}</option>)}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      {kpis.rows.length === 0 ? <p className="empty">No calls in this range.</p> : <KpiCharts rows={kpis.rows} />}
      <h2>Bottlenecks: workflow steps by total time</h2>
      {ranked.length === 0 ? (
        <p className="empty">No workflow steps recorded yet: send calls with x-airlock-workflow, -run and -step (or use the SDK).</p>
      ) : (
        <table aria-label="Steps by total time">
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Step</th>
              <th scope="col">Calls</th>
              <th scope="col">p50 ms</th>
              <th scope="col">p95 ms</th>
              <th scope="col">avg wait before ms</th>
              <th scope="col">Total (calls × p50) ms</th>
            </tr>
          </thead>
          <tbody>
            {ranked.map((r) => (
              <tr key={`${r.workflow}/${r.step}`}>
                <td>{r.workflow}</td>
                <td>
                  <Link href={`/calls?workflow=${encodeURIComponent(r.workflow)}`}>{r.step}</Link>
                </td>
                <td>{String(r.calls)}</td>
                <td>{r.p50_ms}</td>
                <td>{r.p95_ms}</td>
                <td>{r.avg_wait_ms}</td>
                <td>{Math.round(r.total_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
