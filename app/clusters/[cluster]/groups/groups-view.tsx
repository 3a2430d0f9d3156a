'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { GroupSummary } from '../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../lib/api-client.js';
import { formatCount, paths, plural } from '../../../../lib/format.js';
import { clusterKeys } from '../../../../lib/query-keys.js';

export function GroupsView({ cluster, initial }: { cluster: string; initial: GroupSummary[] }) {
  const [search, setSearch] = useState('');
  const { data = initial, error } = useQuery({
    queryKey: clusterKeys.groupList(cluster),
    queryFn: ({ signal }) => api<{ items: GroupSummary[] }>(`${clusterPath(cluster, 'groups')}?limit=500`, { signal }).then((r) => r.items),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const shown = search ? data.filter((g) => g.groupId.toLowerCase().includes(search.toLowerCase())) : data;
  return (
    <>
      <div className="toolbar">
        <input className="input" type="search" placeholder="Search groups" aria-label="Search groups" value={search} onChange={(e) => setSearch(e.target.value)} />
        <span className="muted">{plural(shown.length, 'group')}</span>
      </div>
      {error && <p className="bad">{(error as Error).message}</p>}
      <div className="panel">
        {shown.length === 0 ? (
          <p className="muted">No consumer groups{search ? ` match “${search}”` : ' yet'}.</p>
        ) : (
          <table className="grid" data-testid="groups-table">
            <thead>
              <tr>
                <th>Group</th>
                <th>State</th>
                <th className="num">Members</th>
                <th>Topics</th>
                <th className="num">Total lag</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((g) => (
                <tr key={g.groupId} data-testid="group-row">
                  <td>
                    <Link href={paths.group(cluster, g.groupId)}>{g.groupId}</Link>
                  </td>
                  <td>
                    <span className={`state state-${g.state}`}>{g.state}</span>
                  </td>
                  <td className="num">{g.members}</td>
                  <td>{g.topics.join(', ') || '—'}</td>
                  <td className="num" data-testid="group-lag">
                    {formatCount(g.totalLag)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
