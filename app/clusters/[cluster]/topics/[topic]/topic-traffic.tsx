'use client';

import { useQuery } from '@tanstack/react-query';
import type { TrafficTotals } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { LiveTraffic, useTrafficRates } from '../../../../ui/live-traffic';

const POLL_MS = 2_000;

/** The topic's throughput: its cumulative counters polled every 2 s, rates drawn like the
 * overview's cluster-wide chart. */
export function TopicTraffic({ cluster, topic }: { cluster: string; topic: string }) {
  const { data, error } = useQuery({
    queryKey: clusterKeys.topicTraffic(cluster, topic),
    queryFn: ({ signal }) => api<{ traffic: TrafficTotals | null }>(clusterPath(cluster, 'topics', topic, 'traffic'), { signal }),
    refetchInterval: POLL_MS,
  });
  const points = useTrafficRates(data?.traffic);
  return (
    <section className="panel" data-testid="topic-traffic">
      <h2>Throughput</h2>
      {error && <p className="bad">Live refresh failed: {(error as Error).message}</p>}
      {data === undefined ? (
        !error && <p className="muted">Reading the topic&apos;s counters…</p>
      ) : data.traffic === null ? (
        <p className="muted" data-testid="topic-traffic-unsupported">
          This cluster does not report per-topic traffic counters (see docs/connectors.md).
        </p>
      ) : (
        <LiveTraffic points={points} pollMs={POLL_MS} sideBySide />
      )}
    </section>
  );
}
