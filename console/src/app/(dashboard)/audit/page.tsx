import { LocalTime } from '../../../components/ui/local-time';
import { VerifyForm } from '../../../features/audit/components/verify-form';
import { requirePage } from '../../../lib/gateway';

const SHOWN = 50;

export default async function AuditPage() {
  const { admin } = await requirePage('/audit');
  const { tenant, key_id, public_key, checkpoints } = await admin.audit.checkpoints();
  const newest = [...checkpoints].reverse().slice(0, SHOWN);
  return (
    <>
      <h1>Audit trail</h1>
      <p>
        Every change and policy decision in tenant <strong>{tenant}</strong> is an entry in a hash chain, each sealed with an HMAC; signed
        checkpoints (Ed25519) pin its head. Verify it here, or export it for your own records:{' '}
        <a href="/audit/export?format=jsonl" download>JSON lines</a> · <a href="/audit/export?format=csv" download>CSV</a>.
      </p>
      <VerifyForm />
      <h2 id="checkpoints">Signed checkpoints</h2>
      <p>
        Signed by key <code>{key_id}</code>.{' '}
        <details style={{ display: 'inline' }}>
          <summary>Public key</summary>
          <pre className="mono">{public_key}</pre>
        </details>
      </p>
      {newest.length === 0 ? (
        <p className="empty">No checkpoint yet: the gateway signs one at each interval with new entries, and at shutdown.</p>
      ) : (
        <table aria-labelledby="checkpoints">
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Entry</th>
              <th scope="col">Head hash</th>
              <th scope="col">Signature</th>
            </tr>
          </thead>
          <tbody>
            {newest.map((c) => (
              <tr key={`${c.seq}-${c.at}`}>
                <td><LocalTime value={c.at} /></td>
                <td>#{c.seq}</td>
                <td className="mono">{c.head.slice(0, 16)}…</td>
                <td className="mono">{c.sig.slice(0, 16)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
