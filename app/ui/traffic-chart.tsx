'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RatePoint } from './traffic-rates.js';

const time = (t: number) => new Date(t).toLocaleTimeString();

/** One line chart of a rate in and out; `unit` formats the axis and tooltip values. */
export function TrafficChart({ points, what, format, testId }: { points: RatePoint[]; what: 'messages' | 'bytes'; format: (n: number) => string; testId: string }) {
  const inKey = what === 'messages' ? 'messagesIn' : 'bytesIn';
  const outKey = what === 'messages' ? 'messagesOut' : 'bytesOut';
  return (
    <div className="chart" data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} stroke="var(--muted)" fontSize={12} />
          <YAxis tickFormatter={(v) => format(Number(v))} stroke="var(--muted)" fontSize={12} width={70} />
          <Tooltip
            labelFormatter={(t) => time(Number(t))}
            formatter={(v) => format(Number(v))}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Legend />
          <Line type="monotone" dataKey={inKey} name={`${what}/s in`} stroke="var(--accent)" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey={outKey} name={`${what}/s out`} stroke="var(--muted)" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
