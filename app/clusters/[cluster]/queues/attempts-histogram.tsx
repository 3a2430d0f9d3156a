import { formatCount, plural } from '../../../../lib/format.js';

const BAR_PX = 28;

interface Bucket {
  label: string;
  title: string;
  count: number;
  color: string;
  testId: string;
}

/**
 * A subscription's unsettled messages by the attempt they are on, then its dead letters: one
 * small bar each, scaled to the row's largest. Retries (attempt 2 and later) are drawn in the
 * warning colour, dead letters in the error colour, so a struggling consumer stands out.
 */
export function AttemptsHistogram({ attempts, deadLettered }: { attempts: number[] | undefined; deadLettered: number | null }) {
  if (!attempts) return <span className="muted">—</span>;
  const buckets: Bucket[] = attempts.map((count, i) => {
    const last = i === attempts.length - 1 && attempts.length > 1;
    const n = i + 1;
    return {
      label: last ? `≥${n}` : String(n),
      title: `${plural(count, 'message')} on attempt ${n}${last ? ' or later' : ''}`,
      count,
      color: i === 0 ? 'var(--accent)' : 'var(--warn-fg)',
      testId: 'attempts-bucket',
    };
  });
  if (deadLettered !== null) {
    buckets.push({ label: 'DL', title: `${plural(deadLettered, 'message')} dead-lettered`, count: deadLettered, color: 'var(--bad-fg)', testId: 'attempts-dead' });
  }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return (
    <div style={{ display: 'flex', gap: 4, alignItems: 'flex-end' }} role="img" aria-label={buckets.map((b) => b.title).join(', ')}>
      {buckets.map((b) => (
        <div key={b.label} title={b.title} data-testid={b.testId} data-label={b.label} data-count={b.count} style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', minWidth: 22, fontSize: 11 }}>
          <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatCount(b.count)}</span>
          <span style={{ width: 12, height: BAR_PX, display: 'flex', alignItems: 'flex-end' }}>
            <span style={{ width: '100%', height: b.count === 0 ? 1 : Math.max(2, Math.round((b.count / max) * BAR_PX)), background: b.count === 0 ? 'var(--border)' : b.color }} />
          </span>
          <span className="muted">{b.label}</span>
        </div>
      ))}
    </div>
  );
}
