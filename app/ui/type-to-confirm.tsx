/**
 * "Type <name> to confirm", the guard on the console's irreversible deletes (topics, groups): the
 * caller keeps the typed text and enables its confirm button only when it equals `expected`.
 * (The admin pages' ConfirmDialog has the same guard built into its own native <dialog> form.)
 */
export function TypeToConfirm({ id, expected, value, onChange, testId }: { id: string; expected: string; value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>
        Type <code>{expected}</code> to confirm
      </label>
      <input id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} data-testid={testId} />
    </div>
  );
}
