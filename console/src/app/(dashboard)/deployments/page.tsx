import { requirePage } from '../../../lib/gateway';

export default async function DeploymentsPage() {
  const { admin } = await requirePage('/deployments');
  const { deployments } = await admin.deployments();
  const columns = [...new Set(deployments.flatMap((d) => Object.keys(d)))];
  return (
    <>
      <h1>Deployments</h1>
      {deployments.length === 0 ? (
        <p className="empty">No deployments are configured.</p>
      ) : (
        <table aria-label="Deployments">
          <thead>
            <tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
          </thead>
          <tbody>
            {deployments.map((d) => (
              <tr key={d.id}>
                {columns.map((c) => (
                  <td key={c}>{typeof d[c] === 'object' ? JSON.stringify(d[c]) : String(d[c] ?? '')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
