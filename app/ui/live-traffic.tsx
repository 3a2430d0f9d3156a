'use client';

import { useEffect, useRef, useState } from 'react';
import type { TrafficTotals } from '../../broker/control/connectors/index.js';
import { formatBytes } from '../../lib/format.js';
import { TrafficChart } from './traffic-chart';
import { pushRate, type RatePoint, WINDOW_MS } from './traffic-rates.js';

const perSecond = (n: number) => `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })}/s`;
const bytesPerSecond = (n: number) => `${formatBytes(Math.round(n))}/s`;

/** Rates from consecutive readings of cumulative counters (the cluster's or a topic's), as they
 * arrive from a polling query; a repeated reading (same `at`) adds nothing. */
export function useTrafficRates(traffic: TrafficTotals | null | undefined): RatePoint[] {
  const last = useRef<TrafficTotals | null>(null);
  const [points, setPoints] = useState<RatePoint[]>([]);
  useEffect(() => {
    if (!traffic || traffic.at === last.current?.at) return;
    const prev = last.current;
    last.current = traffic;
    setPoints((p) => pushRate(p, prev, traffic));
  }, [traffic]);
  return points;
}

/** The current rates and the messages/s and bytes/s charts of a live traffic reading. */
export function LiveTraffic({ points, pollMs, sideBySide = false }: { points: RatePoint[]; pollMs: number; sideBySide?: boolean }) {
  const now = points.at(-1);
  return (
    <>
      <p className="muted">
        Live, from the broker&apos;s counters read every {pollMs / 1000} s while this page is open; the last {WINDOW_MS / 60_000} minutes are kept in
        this browser tab only.
      </p>
      {now ? (
        <p data-testid="traffic-now">
          in <strong data-testid="rate-messages-in">{perSecond(now.messagesIn)}</strong> ({bytesPerSecond(now.bytesIn)}) · out{' '}
          <strong data-testid="rate-messages-out">{perSecond(now.messagesOut)}</strong> ({bytesPerSecond(now.bytesOut)})
        </p>
      ) : (
        <p className="muted" data-testid="traffic-waiting">
          Waiting for a second reading…
        </p>
      )}
      <div style={sideBySide ? { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))', gap: 16 } : undefined}>
        <div style={{ minWidth: 0 }}>
          <h3>Messages/s</h3>
          <TrafficChart points={points} what="messages" format={perSecond} testId="traffic-chart-messages" />
        </div>
        <div style={{ minWidth: 0 }}>
          <h3>Bytes/s</h3>
          <TrafficChart points={points} what="bytes" format={bytesPerSecond} testId="traffic-chart-bytes" />
        </div>
      </div>
    </>
  );
}
