'use client';

import { useQuery } from '@tanstack/react-query';
import type { GroupDetail } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { formatCount, plural } from '../../../../../lib/format.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useCan } from '../../../../shell/session-context';
import { GroupActions } from './group-actions';
import { LagChart } from './lag-chart';

const POLL_MS = 3_000;

export function GroupView({ cluster, initial }: { cluster: string; initial: GroupDetail }) {
  const canWrite = useCan('operator');
  const { data: group = initial, error } = useQuery({
    queryKey: clusterKeys.group(cluster, initial.groupId),
    queryFn: ({ signal }) => api<GroupDetail>(clusterPath(cluster, 'groups', initial.groupId), { signal }),
    initialData: initial,
    refetchInterval: POLL_MS,
  });

  return (
    <>
      <div className="page-head toolbar" style={{ marginTop: 4 }}>
        <div>
          <h1 data-testid="group-id">{group.groupId}</h1>
          <p className="muted">
            <span className={`state state-${group.state}`} data-testid="group-state">
              {group.state}
            </span>{' '}
            · {plural(group.members, 'member')} · {group.protocolType || 'no protocol'} {group.assignor && `· ${group.assignor}`} · total lag{' '}
            <strong data-testid="group-total-lag">{formatCount(group.totalLag)}</strong>
          </p>
        </div>
        <span className="spacer" />
        {canWrite && <GroupActions cluster={cluster} group={group} />}
      </div>
      {error && <p className="bad">{(error as Error).message}</p>}
      <div className="panel">
        <h2>Lag over time</h2>
        <LagChart cluster={cluster} group={initial.groupId} />
      </div>
      <div className="panel">
        <h2>Partitions</h2>
        <table className="grid" data-testid="group-offsets">
          <thead>
            <tr>
              <th>Topic</th>
              <th className="num">Partition</th>
              <th className="num">Committed</th>
              <th className="num">End</th>
              <th className="num">Lag</th>
              <th>Member</th>
            </tr>
          </thead>
          <tbody>
            {group.offsets.map((o) => (
              <tr key={`${o.topic}-${o.partition}`}>
                <td>{o.topic}</td>
                <td className="num">{o.partition}</td>
                <td className="num">{o.committedOffset ?? '—'}</td>
                <td className="num">{o.endOffset}</td>
                <td className="num">{formatCount(o.lag)}</td>
                <td className="mono">{o.memberId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {group.offsets.length === 0 && <p className="muted">No committed offsets.</p>}
      </div>
      <div className="panel">
        <h2>Members</h2>
        {group.memberList.length === 0 ? (
          <p className="muted">No members: the group is inactive.</p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th>Member</th>
                <th>Client</th>
                <th>Host</th>
                <th>Assignment</th>
              </tr>
            </thead>
            <tbody>
              {group.memberList.map((m) => (
                <tr key={m.memberId}>
                  <td className="mono">
                    {m.memberId}
                    {m.groupInstanceId && <span className="tag"> static {m.groupInstanceId}</span>}
                  </td>
                  <td>{m.clientId}</td>
                  <td>{m.host}</td>
                  <td>{m.assignments.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
