/** The browse GET's flat query parameters as the connector's browse request. */
import type { BrowseQuery } from '../../broker/control/connectors/index.js';
import type { BrowseQueryParams } from './schemas/messages.js';

export function browseRequest(topic: string, q: BrowseQueryParams): BrowseQuery {
  const from: BrowseQuery['from'] =
    q.from === 'offset' ? { kind: 'offset', offset: q.offset! } : q.from === 'timestamp' ? { kind: 'timestamp', timestamp: q.timestamp! } : { kind: q.from };
  return {
    topic,
    from,
    limit: q.limit,
    ...(q.partitions ? { partitions: q.partitions.split(',').map(Number) } : {}),
    ...(q.maxValueBytes !== undefined ? { maxValueBytes: q.maxValueBytes } : {}),
  };
}
