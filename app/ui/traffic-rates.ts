/** Per-second rates from consecutive cumulative traffic readings, kept for a sliding window. */
import type { TrafficTotals } from '../../broker/control/connectors/index.js';

export interface RatePoint {
  t: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** The chart keeps this much history in the browser (nothing is stored server-side). */
export const WINDOW_MS = 5 * 60_000;

const FIELDS = ['messagesIn', 'messagesOut', 'bytesIn', 'bytesOut'] as const;

/** The rate between two readings, or null when they cannot give one (same instant, reordered).
 * A counter that went down restarted (broker restart, deleted topic): its rate counts from zero. */
export function rateBetween(prev: TrafficTotals, next: TrafficTotals): RatePoint | null {
  const seconds = (next.at - prev.at) / 1000;
  if (!(seconds > 0)) return null;
  const point: RatePoint = { t: next.at, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 };
  for (const f of FIELDS) {
    const delta = next[f] >= prev[f] ? next[f] - prev[f] : next[f];
    point[f] = delta / seconds;
  }
  return point;
}

/** Appends the point for `next` (if any) and drops points older than the window. */
export function pushRate(points: RatePoint[], prev: TrafficTotals | null, next: TrafficTotals): RatePoint[] {
  const point = prev ? rateBetween(prev, next) : null;
  if (!point) return points;
  const from = point.t - WINDOW_MS;
  return [...points.filter((p) => p.t >= from), point];
}
