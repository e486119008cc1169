import type { ActivityKind, ProcessMap } from '@airlock/sdk';
import Link from 'next/link';
import { BottleneckChart } from '../../../features/process/components/bottleneck-chart';
import { WorkflowPicker } from '../../../features/process/components/workflow-picker';
import { duration, KIND_COLOR, KIND_LABEL } from '../../../features/process/format';
import { loadProcess } from '../../../features/process/load';
import { requirePage } from '../../../lib/gateway';

/** Time spent per kind: a human's wait for approval, apart from the model's and tools' own latency. */
function byKind(map: ProcessMap): { kind: ActivityKind; total: number }[] {
  const totals = new Map<ActivityKind, number>();
  for (const n of map.nodes) if (n.kind !== 'start' && n.kind !== 'end') totals.set(n.kind, (totals.get(n.kind) ?? 0) + n.total_ms);
  return (['approval', 'model', 'tool', 'policy_hold'] as const).filter((k) => totals.has(k)).map((kind) => ({ kind, total: totals.get(kind)! }));
}

export default async function BottlenecksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePage('/bottlenecks');
  const view = await loadProcess(admin, await searchParams);
  const { map } = view;
  const activities = map ? map.nodes.filter((n) => n.kind !== 'start' && n.kind !== 'end') : [];
  // Waits between activities; the synthetic start and end add no time of their own.
  const transitions = map ? map.edges.filter((e) => !e.source.startsWith('▶') && !e.target.startsWith('■')).sort((a, b) => b.total_ms - a.total_ms) : [];
  return (
    <>
      <h1>Bottlenecks</h1>
      <WorkflowPicker view={view} label="Workflow and range" />
      {view.problem ? (
        <p className="error-state" role="alert">{view.problem}</p>
      ) : !map || map.runs === 0 ? (
        <p className="empty">No workflow runs in this range.</p>
      ) : (
        <>
          <p>
            Where {map.runs} run{map.runs === 1 ? '' : 's'} of <strong>{map.workflow}</strong> spent their time, ranked by frequency × median.{' '}
            <Link href={`/process?${new URLSearchParams(Object.entries(view.search).filter(([, v]) => v) as [string, string][])}`}>Process map →</Link>
          </p>
          <div className="kpis" role="list" aria-label="Time by kind">
            {byKind(map).map((k) => (
              <div key={k.kind} className="panel kpi" role="listitem" style={{ borderTopColor: KIND_COLOR[k.kind] }}>
                <span>{KIND_LABEL[k.kind]}</span>
                <strong>{duration(k.total)}</strong>
              </div>
            ))}
          </div>
          <BottleneckChart activities={activities} />
          <h2 id="activities">Activities by total time</h2>
          <table aria-labelledby="activities">
            <thead>
              <tr>
                <th scope="col">Activity</th>
                <th scope="col">Kind</th>
                <th scope="col">Count</th>
                <th scope="col">Median</th>
                <th scope="col">p95</th>
                <th scope="col">Total (count × median)</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {activities.map((a) => (
                <tr key={a.id}>
                  <td>{a.label}</td>
                  <td><span className="badge" style={{ color: KIND_COLOR[a.kind] }}>{KIND_LABEL[a.kind]}</span></td>
                  <td>{a.count}</td>
                  <td>{duration(a.median_ms)}</td>
                  <td>{duration(a.p95_ms)}</td>
                  <td>{duration(a.total_ms)}</td>
                  <td>{a.errors}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2 id="transitions">Waits between activities by total time</h2>
          {transitions.length === 0 ? (
            <p className="empty">These runs have one activity each: nothing waits between them.</p>
          ) : (
            <table aria-labelledby="transitions">
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Count</th>
                  <th scope="col">Median wait</th>
                  <th scope="col">p95 wait</th>
                  <th scope="col">Total (count × median)</th>
                </tr>
              </thead>
              <tbody>
                {transitions.map((e) => (
                  <tr key={`${e.source}\u0000${e.target}`}>
                    <td>{e.source}</td>
                    <td>{e.target}</td>
                    <td>{e.count}</td>
                    <td>{duration(e.median_ms)}</td>
                    <td>{duration(e.p95_ms)}</td>
                    <td>{duration(e.total_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
