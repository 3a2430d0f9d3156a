'use client';

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface LagSample {
  t: number;
  lag: number;
}

const time = (t: number) => new Date(t).toLocaleTimeString();

export function LagChart({ samples }: { samples: LagSample[] }) {
  return (
    <div className="chart" data-testid="lag-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} stroke="var(--muted)" fontSize={12} />
          <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={12} width={60} />
          <Tooltip labelFormatter={(t) => time(Number(t))} contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
          <Line type="stepAfter" dataKey="lag" name="Total lag" stroke="var(--accent)" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
