'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ConfigEntry, TopicDetail } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { formatBytes, formatCount, plural } from '../../../../../lib/format.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useCan } from '../../../../shell/session-context';
import { ConfigsEditor } from './configs-editor';
import { MessageBrowser } from './message-browser';
import { ProduceForm } from './produce-form';
import { TopicActions } from './topic-actions';
import { TopicTraffic } from './topic-traffic';

type Tab = 'messages' | 'partitions' | 'configs' | 'produce';

export interface TopicViewProps {
  cluster: string;
  initial: TopicDetail;
  initialConfigs: ConfigEntry[];
  searchSupported: boolean;
  timestampSupported: boolean;
}

export function TopicView({ cluster, initial, initialConfigs, searchSupported, timestampSupported }: TopicViewProps) {
  const canWrite = useCan('operator');
  const [tab, setTab] = useState<Tab>('messages');
  const { data: topic = initial } = useQuery({
    queryKey: clusterKeys.topic(cluster, initial.name),
    queryFn: ({ signal }) => api<TopicDetail>(clusterPath(cluster, 'topics', initial.name), { signal }),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const tabs: [Tab, string][] = [
    ['messages', 'Messages'],
    ['partitions', `Partitions (${topic.partitions})`],
    ['configs', 'Configs'],
    ...(canWrite ? ([['produce', 'Produce']] as [Tab, string][]) : []),
  ];
  return (
    <>
      <div className="page-head toolbar" style={{ marginTop: 4 }}>
        <div>
          <h1 data-testid="topic-name">{topic.name}</h1>
          <p className="muted">
            {plural(topic.messages, 'message')} · {formatBytes(topic.sizeBytes)} · {plural(topic.partitions, 'partition')} · replication {topic.replicationFactor}
          </p>
        </div>
        <span className="spacer" />
        {canWrite && <TopicActions cluster={cluster} topic={topic} />}
      </div>
      <TopicTraffic cluster={cluster} topic={topic.name} />
      <div className="tabs" role="tablist" aria-label="Topic sections">
        {tabs.map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} onClick={() => setTab(k)} data-testid={`tab-${k}`}>
            {label}
          </button>
        ))}
      </div>
      {tab === 'messages' && (
        <MessageBrowser cluster={cluster} topic={topic} searchSupported={searchSupported} timestampSupported={timestampSupported} />
      )}
      {tab === 'partitions' && <PartitionsTable topic={topic} />}
      {tab === 'configs' && <ConfigsEditor cluster={cluster} topic={topic.name} initial={initialConfigs} canWrite={canWrite} />}
      {tab === 'produce' && canWrite && <ProduceForm cluster={cluster} topic={topic} />}
    </>
  );
}

function PartitionsTable({ topic }: { topic: TopicDetail }) {
  return (
    <div className="panel">
      <table className="grid" data-testid="partitions-table">
        <thead>
          <tr>
            <th className="num">Partition</th>
            <th className="num">Low watermark</th>
            <th className="num">High watermark</th>
            <th className="num">Messages</th>
            <th className="num">Size</th>
            <th>Leader</th>
            <th>Replicas</th>
            <th>ISR</th>
          </tr>
        </thead>
        <tbody>
          {topic.partitionInfo.map((p) => (
            <tr key={p.partition}>
              <td className="num">{p.partition}</td>
              <td className="num">{formatCount(p.low)}</td>
              <td className="num">{formatCount(p.high)}</td>
              <td className="num">{formatCount(p.messages)}</td>
              <td className="num">{formatBytes(p.sizeBytes)}</td>
              <td>{p.leader ?? '—'}</td>
              <td>{p.replicas.join(', ') || '—'}</td>
              <td>{p.isr.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
