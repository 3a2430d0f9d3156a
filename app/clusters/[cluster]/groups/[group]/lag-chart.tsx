'use client';

import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LagSeries } from '../../../../../server/lag/schemas.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';

const time = (t: number) => new Date(t).toLocaleTimeString();
const MINUTES = 30;
/** Until the first answer says the server's interval. */
const FALLBACK_POLL_MS = 5_000;

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
            <Line type="stepAfter" dataKey="lag" name="Total lag" stroke="var(--accent)" dot={samples.length === 1} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </>
  );
}
