import { CreateKeyForm } from '../../../features/keys/components/create-key-form';
import { revokeKey } from '../../../features/keys/actions';
import { LocalTime } from '../../../components/ui/local-time';
import { requirePage } from '../../../lib/gateway';

export default async function KeysPage() {
  const { admin } = await requirePage('/keys');
  const { keys } = await admin.keys.list();
  return (
    <>
      <h1>Keys</h1>
      <CreateKeyForm />
      {keys.length === 0 ? (
        <p className="empty">No keys yet.</p>
      ) : (
        <table aria-label="Keys">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Team</th>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">Created</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td className="mono">{k.id}</td>
                <td>{k.team}</td>
                <td>{k.user}</td>
                <td>{k.roles.join(', ')}</td>
                <td>{k.created_at ? <LocalTime value={String(k.created_at)} /> : '—'}</td>
                <td>
                  {k.revoked_at ? (
                    <span className="badge error">revoked</span>
                  ) : (
                    <form action={revokeKey}>
                      <input type="hidden" name="id" value={k.id} />
                      <button type="submit" className="danger" aria-label={`Revoke key ${k.id}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
