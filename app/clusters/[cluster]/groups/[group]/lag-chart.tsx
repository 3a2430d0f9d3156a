'use client';

import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LagSeries } from '../../../../../server/lag/schemas.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';

const time = (t: number) => new Date(t).toLocaleTimeString();
const MINUTES = 30;
/** Until the first answer says the server's interval. */
const FALLBACK_POLL_MS = 5_000;
/** Per-topic line colours: mid-tone, at least 3.5:1 against both themes' surfaces (#ffffff and
 * #171b21), none close to the accent blue of the total line. */
const TOPIC_COLORS = ['#e8590c', '#2b8a3e', '#be4bdb', '#0c8599', '#b07d00', '#e64980', '#845ef7', '#5c940d'];
/** More lines than colours would be unreadable: the topics with the most lag in the window get one. */
const MAX_TOPIC_LINES = TOPIC_COLORS.length;

type Sample = LagSeries['samples'][number];

/** The topics to draw, most lag (peak in the window) first, at most MAX_TOPIC_LINES. */
function topicsToDraw(samples: Sample[]): { shown: string[]; total: number } {
  const peak = new Map<string, number>();
  for (const s of samples) for (const [t, lag] of Object.entries(s.byTopic)) peak.set(t, Math.max(peak.get(t) ?? 0, lag));
  const sorted = [...peak].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
  return { shown: sorted.slice(0, MAX_TOPIC_LINES).sort(), total: sorted.length };
}

/**
 * Lag over time from samples the server keeps: each poll also tells the server this group is
 * still watched, which is what keeps it sampling (server/lag/sampler.ts).
 */
export function LagChart({ cluster, group }: { cluster: string; group: string }) {
  const { data, error } = useQuery({
    queryKey: clusterKeys.groupLag(cluster, group, MINUTES),
    queryFn: ({ signal }) => api<LagSeries>(`${clusterPath(cluster, 'groups', group, 'lag')}?minutes=${MINUTES}`, { signal }),
    refetchInterval: (q) => (q.state.data ? q.state.data.intervalSeconds * 1000 : FALLBACK_POLL_MS),
  });
  const samples = data?.samples ?? [];
  const topics = topicsToDraw(samples);
  return (
    <>
      <p className="muted" style={{ marginTop: -6, fontSize: 13 }} data-testid="lag-chart-note">
        {data
          ? `Sampled by the server every ${data.intervalSeconds} s while someone watches this group; samples are kept for ${data.retentionHours} h.`
          : 'Loading lag samples…'}
      </p>
      {error && <p className="bad">{(error as Error).message}</p>}
      <div className="chart" data-testid="lag-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} stroke="var(--muted)" fontSize={12} />
            <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={12} width={60} />
            <Tooltip labelFormatter={(t) => time(Number(t))} contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
            <Legend />
            <Line type="stepAfter" dataKey="lag" name="Total lag" stroke="var(--accent)" strokeWidth={2.5} dot={samples.length === 1} isAnimationActive={false} />
            {topics.shown.map((t, i) => (
              <Line
                key={t}
                type="stepAfter"
                // A function, not a "byTopic.name" path: topic names may contain dots.
                dataKey={(s: Sample) => s.byTopic[t] ?? null}
                name={t}
                stroke={TOPIC_COLORS[i % TOPIC_COLORS.length]}
                strokeWidth={1.5}
                dot={samples.length === 1}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {topics.total > topics.shown.length && (
        <p className="muted" style={{ fontSize: 13 }} data-testid="lag-chart-topics-note">
          Per-topic lines for the {topics.shown.length} topics with the most lag in this window; the total counts all {topics.total}.
        </p>
      )}
    </>
  );
}
