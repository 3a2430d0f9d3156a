/** What every section's loading.tsx renders while the server reads first-paint data. */
export function LoadingBlock({ what }: { what: string }) {
  return (
    <div className="panel" aria-busy="true">
      <p className="muted">Loading {what}…</p>
    </div>
  );
}
