import { SignInForm } from './sign-in-form';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { expired } = await searchParams;
  return (
    <div className="login">
      <h1>Sign in to Airlock</h1>
      {expired ? <p className="notice">Your session ended: the key was revoked or lost its console roles.</p> : null}
      <SignInForm />
      <p style={{ color: 'var(--muted)', fontSize: '0.85rem' }}>
        Your roles come from the key. <code>npx airlock keys create --team … --user … --role analyst</code> makes one.
      </p>
    </div>
  );
}
