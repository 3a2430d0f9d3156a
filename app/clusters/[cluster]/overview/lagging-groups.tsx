import Link from 'next/link';
import type { ClusterOverview } from '../../../../server/clusters/overview.js';
import { formatCount, paths } from '../../../../lib/format.js';

export function LaggingGroups({ cluster, groups, groupsSupported }: { cluster: string; groups: ClusterOverview['laggingGroups']; groupsSupported: boolean }) {
  if (!groupsSupported) return <p className="muted">This cluster has no consumer groups.</p>;
  if (groups.length === 0) return <p className="muted" data-testid="no-lagging-groups">No group is behind.</p>;
  return (
    <table className="grid" data-testid="lagging-groups">
      <thead>
        <tr>
          <th>Group</th>
          <th>State</th>
          <th className="num">Total lag</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.groupId} data-testid="lagging-group-row">
            <td>
              <Link href={paths.group(cluster, g.groupId)}>{g.groupId}</Link>
            </td>
            <td>
              <span className={`state state-${g.state}`}>{g.state}</span>
            </td>
            <td className="num">{formatCount(g.totalLag)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
