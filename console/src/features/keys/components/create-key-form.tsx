'use client';
import { useActionState } from 'react';
import { createKey, type KeyFormState } from '../actions';

const ROLES = ['user', 'analyst', 'compliance', 'operator', 'admin'];

export function CreateKeyForm() {
  const [state, action, pending] = useActionState<KeyFormState, FormData>(createKey, { error: null, created: null });
  return (
    <form action={action} className="panel filters" aria-label="Create a key">
      <label>
        team
        <input name="team" required />
      </label>
      <label>
        user
        <input name="user" required />
      </label>
      <fieldset style={{ border: 'none', display: 'flex', gap: '0.6rem', padding: 0 }}>
        <legend className="sr-only">roles</legend>
        {ROLES.map((r) => (
          <label key={r} style={{ flexDirection: 'row', alignItems: 'center' }}>
            <input type="checkbox" name="roles" value={r} defaultChecked={r === 'user'} /> {r}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={pending}>
        Create key
      </button>
      {state.error ? <p role="alert" className="error-state" style={{ padding: 0 }}>{state.error}</p> : null}
      {state.created ? (
        <p role="status" className="notice" style={{ width: '100%' }}>
          Key (shown once): <code data-testid="new-key">{state.created}</code>
        </p>
      ) : null}
    </form>
  );
}
