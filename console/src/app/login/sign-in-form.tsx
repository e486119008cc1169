'use client';
import { useActionState } from 'react';
import { signIn, type SignInState } from './actions';

export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, { error: null });
  return (
    <form action={action} className="panel" aria-describedby={state.error ? 'sign-in-error' : undefined}>
      <label>
        Airlock key
        <input name="key" type="password" autoComplete="current-password" required autoFocus placeholder="alk_…" />
      </label>
      {state.error ? (
        <p id="sign-in-error" role="alert" className="error-state" style={{ padding: '0.5rem 0' }}>
          {state.error}
        </p>
      ) : null}
      <p>
        <button type="submit" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </p>
    </form>
  );
}
