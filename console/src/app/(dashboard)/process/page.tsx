import Link from 'next/link';
import { ProcessGraph } from '../../../features/process/components/process-graph';
import { WorkflowPicker } from '../../../features/process/components/workflow-picker';
import { duration } from '../../../features/process/format';
import { layoutProcess } from '../../../features/process/layout';
import { loadProcess, type ProcessSearch } from '../../../features/process/load';
import { requirePage } from '../../../lib/gateway';

const link = (path: string, s: ProcessSearch) => `${path}?${new URLSearchParams(Object.entries(s).filter(([, v]) => v) as [string, string][])}`;

export default async function ProcessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { admin } = await requirePage('/process');
  const view = await loadProcess(admin, await searchParams);
  const { map } = view;
  const layout = map && map.runs ? await layoutProcess(map) : null;
  return (
    <>
      <h1>Process map</h1>
      <WorkflowPicker view={view} label="Workflow and range" />
      {view.problem ? (
        <p className="error-state" role="alert">{view.problem}</p>
      ) : !map ? (
        <p className="empty">No workflow runs recorded yet: send calls with x-airlock-workflow, -run and -step (or use the SDK&apos;s workflow runs).</p>
      ) : map.runs === 0 || !layout ? (
        <p className="empty">No runs of {map.workflow} in this range.</p>
      ) : (
        <>
          <p>
            {map.runs} run{map.runs === 1 ? '' : 's'} of <strong>{map.workflow}</strong>
            {map.truncated ? ' (the newest only)' : ''}. The most frequent path is highlighted. <Link href={link('/bottlenecks', view.search)}>Where the time goes →</Link>
          </p>
          <ProcessGraph map={map} layout={layout} />
          <h2 id="variants">Variants</h2>
          <table aria-labelledby="variants">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Path</th>
                <th scope="col">Runs</th>
                <th scope="col">Share</th>
                <th scope="col">Median run time</th>
              </tr>
            </thead>
            <tbody>
              {map.variants.map((v, i) => (
                <tr key={v.path.join('\u0000')} className={i === 0 ? 'highlight' : undefined}>
                  <td>{i + 1}</td>
                  <td>{v.path.join(' → ')}</td>
                  <td>{v.runs}</td>
                  <td>{(v.share * 100).toFixed(1)}%</td>
                  <td>{duration(v.median_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
