'use client';

/** What every section's error.tsx renders: the message and a retry. */
export function SectionError({ error, reset, what }: { error: Error & { digest?: string }; reset: () => void; what: string }) {
  return (
    <div className="panel" role="alert">
      <h2>Could not load {what}</h2>
      <p className="bad">{error.message || 'The server failed to answer.'}</p>
      {error.digest && <p className="muted">Reference: {error.digest}</p>}
      <button type="button" className="btn" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
