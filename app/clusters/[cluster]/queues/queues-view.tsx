'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { QueueSubscription } from '../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../lib/api-client.js';
import { formatCount, paths, plural } from '../../../../lib/format.js';
import { clusterKeys } from '../../../../lib/query-keys.js';
import { AttemptsHistogram } from './attempts-histogram';
import { QueuesEmpty } from './queues-empty';

export function QueuesView({ cluster, initial }: { cluster: string; initial: QueueSubscription[] }) {
  const { data = initial, error } = useQuery({
    queryKey: clusterKeys.queueList(cluster),
    queryFn: ({ signal }) => api<{ items: QueueSubscription[] }>(clusterPath(cluster, 'queues'), { signal }).then((r) => r.items),
    initialData: initial,
    refetchInterval: 3_000,
  });
  const topicLink = (name: string | undefined) => (name ? <Link href={paths.topic(cluster, name)}>{name}</Link> : '—');
  return (
    <>
      <div className="toolbar">
        <span className="muted">{plural(data.length, 'subscription')}</span>
      </div>
      {error && <p className="bad">{(error as Error).message}</p>}
      <div className="panel">
        {data.length === 0 ? (
          <QueuesEmpty cluster={cluster} />
        ) : (
          <table className="grid" data-testid="queues-table">
            <thead>
              <tr>
                <th>Topic</th>
                <th>Subscription</th>
                <th className="num" title="Ready to deliver now">Depth</th>
                <th className="num" title="Leased, not yet acknowledged">In flight</th>
                <th className="num" title="Waiting for a delay or a redelivery backoff">Delayed</th>
                <th className="num">Dead-lettered</th>
                <th className="num">Expired</th>
                <th title="Unsettled messages by the attempt they are on (1 = first delivery), then dead letters (DL)">Attempts</th>
                <th className="num">Max attempts</th>
                <th>Ordering</th>
              </tr>
            </thead>
            <tbody>
              {data.map((s) => (
                <tr key={`${s.queue}/${s.subscription}`} data-testid="queue-row" data-topic={s.queue} data-subscription={s.subscription}>
                  <td>{topicLink(s.queue)}</td>
                  <td>{s.subscription}</td>
                  <td className="num" data-testid="queue-depth">{formatCount(s.depth)}</td>
                  <td className="num" data-testid="queue-inflight">{formatCount(s.inFlight)}</td>
                  <td className="num" data-testid="queue-delayed">{formatCount(s.delayed)}</td>
                  <td className="num" data-testid="queue-dead">
                    {s.deadLetterTopic ? (
                      <Link href={paths.topic(cluster, s.deadLetterTopic)} title={`Dead-letter topic ${s.deadLetterTopic}`} data-testid="queue-dlq-link">
                        {formatCount(s.deadLettered)}
                      </Link>
                    ) : (
                      formatCount(s.deadLettered)
                    )}
                  </td>
                  <td className="num" data-testid="queue-expired">
                    {s.expiredTopic ? (
                      <Link href={paths.topic(cluster, s.expiredTopic)} title={`Expired archive ${s.expiredTopic}`} data-testid="queue-expired-link">
                        {formatCount(s.expired)}
                      </Link>
                    ) : (
                      formatCount(s.expired)
                    )}
                  </td>
                  <td data-testid="queue-attempts">
                    <AttemptsHistogram attempts={s.attempts} deadLettered={s.deadLettered} />
                  </td>
                  <td className="num">{s.config?.maxAttempts ?? '—'}</td>
                  <td>{s.config?.ordering === 'key' ? 'per key' : s.config ? 'none' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
