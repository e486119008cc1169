'use client';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="error-state" role="alert">
      <p>This page could not be loaded: {error.message || 'the gateway answered with an error'}.</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
